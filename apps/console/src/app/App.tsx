import { Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { ApiClient } from '../api/api-client';
import { type ApiError } from '../api/api-error';
import { CALLBACK_PATH, SIGNED_OUT_PATH, type Session } from '../auth/session';
import { ConsoleContext, type ConsoleServices } from './console-context';
import { Layout } from './Layout';
import { matchPage } from './match-page';
import { PAGES } from './pages';
import { currentPath, navigate, usePath } from './router';
import { ErrorState } from './states';

function SignInPage({ session, message }: { session: Session; message?: string }) {
  return (
    <main className="centered">
      <h1>Data volumes console</h1>
      {message !== undefined && <p role="status">{message}</p>}
      <button type="button" className="primary" onClick={() => void session.signIn(returnPath())}>
        Sign in
      </button>
    </main>
  );
}

/** Where the callback returns: the page asked for, or the console's first page. */
function returnPath(): string {
  const path = currentPath();
  return path === `/${SIGNED_OUT_PATH}` || path === `/${CALLBACK_PATH}` ? '/' : path;
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
  return (
    <ConsoleContext.Provider value={services}>
      <Layout pages={visible} path={path}>
        <Suspense fallback={<p role="status">Loading…</p>}>
          {match === undefined ? <NoPage path={path} home={visible.find((p) => p.nav !== false)?.path} /> : <match.page.component params={match.params} />}
        </Suspense>
      </Layout>
    </ConsoleContext.Provider>
  );
}

/** The console's root (and the page after sign-out) goes to the first page; any other unknown path, or a hidden page, is not found. */
function NoPage({ path, home }: { path: string; home: string | undefined }) {
  const toHome = home !== undefined && (path === '/' || path === `/${SIGNED_OUT_PATH}`);
  useEffect(() => {
    if (toHome) navigate(home, { replace: true });
  }, [toHome, home]);
  if (toHome) return <p role="status">Loading…</p>;
  return (
    <section>
      <h1>Not found</h1>
      <p>No page here{path.startsWith('/datavolumes') ? ': data volumes are turned off for this tenant' : ''}.</p>
    </section>
  );
}
