import { Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { ApiClient } from '../api/api-client';
import { type ApiError } from '../api/api-error';
import { CALLBACK_PATH, SIGNED_OUT_PATH, type Session } from '../auth/session';
import { ConsoleContext, type ConsoleServices } from './console-context';
import { Layout } from './Layout';
import { matchPage } from './match-page';
import { PAGES } from './pages';
import { navigate, usePath } from './router';
import { ErrorState } from './states';

function SignInPage({ session, message }: { session: Session; message?: string }) {
  return (
    <main className="centered">
      <h1>Data volumes console</h1>
      {message !== undefined && <p role="status">{message}</p>}
      <button type="button" className="primary" onClick={() => void session.signIn('/datavolumes')}>
        Sign in
      </button>
    </main>
  );
}

function useSignedIn(session: Session): boolean {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.current !== undefined,
  );
}

/** Sign-in, the tenant's setting, then the page the path names inside the layout. */
export function App({ session }: { session: Session }) {
  const path = usePath();
  const signedIn = useSignedIn(session);
  const [api] = useState(() => new ApiClient(session));
  const [settings, setSettings] = useState<{ enabled: boolean } | ApiError | undefined>(undefined);
  const [signInError, setSignInError] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (path !== `/${CALLBACK_PATH}`) return;
    session
      .completeSignIn(new URL(location.href))
      .then((returnTo) => navigate(returnTo, { replace: true }))
      .catch((error: unknown) => {
        setSignInError(error instanceof Error ? error.message : String(error));
        navigate('/', { replace: true });
      });
  }, [path, session]);

  useEffect(() => {
    if (!signedIn) return;
    api
      .get<{ enableDataVolumes: boolean }>('/api/v1/datavolumes/settings')
      .then((answer) => setSettings({ enabled: answer.enableDataVolumes }))
      .catch((error: ApiError) => setSettings(error));
  }, [api, signedIn]);

  if (path === `/${CALLBACK_PATH}`) return <p role="status">Signing in…</p>;
  if (!signedIn)
    return (
      <SignInPage
        session={session}
        {...(path === `/${SIGNED_OUT_PATH}` ? { message: 'You are signed out.' } : {})}
        {...(signInError === undefined ? {} : { message: `Sign-in failed: ${signInError}` })}
      />
    );
  if (settings === undefined) return <p role="status">Loading…</p>;
  if (!('enabled' in settings)) return <ErrorState error={settings} />;

  const services: ConsoleServices = { api, session, dataVolumesEnabled: settings.enabled };
  const visible = PAGES.filter((p) => p.dataVolumes !== true || settings.enabled);
  const match = matchPage(visible, path);
  if (match === undefined) {
    const home = visible.find((p) => p.nav !== false);
    if (home !== undefined && (path === '/' || path === `/${SIGNED_OUT_PATH}`)) navigate(home.path, { replace: true });
  }
  return (
    <ConsoleContext.Provider value={services}>
      <Layout pages={visible} path={path}>
        <Suspense fallback={<p role="status">Loading…</p>}>
          {match === undefined ? (
            <section>
              <h1>Not found</h1>
              <p>No page here.</p>
            </section>
          ) : (
            <match.page.component params={match.params} />
          )}
        </Suspense>
      </Layout>
    </ConsoleContext.Provider>
  );
}
