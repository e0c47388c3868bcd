import { type Server, createServer } from 'node:http';
import { CliError, EXIT } from '../core/cli-error';

/** The loopback listener of a native app's sign-in (RFC 8252 §7.3): where the browser brings the code back. */
export interface LoopbackRedirect {
  /** `http://127.0.0.1:<ephemeral port>/callback`: the IP literal, not `localhost` (RFC 8252 §8.3). */
  redirectUri: string;
  /** The authorization code, once the provider has redirected with our `state`. */
  code: Promise<string>;
  close(): Promise<void>;
}

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
}

/**
 * Listens on 127.0.0.1 at a port the system picks, for one redirect carrying `state`. A redirect with
 * another state (a page trying to slip us its own code) is answered 400 and ignored; the provider's
 * error (`error=access_denied`…) ends the sign-in; no redirect within `timeoutMs` ends it too.
 */
export async function listenForRedirect(state: string, timeoutMs: number): Promise<LoopbackRedirect> {
  let settle: { resolve(code: string): void; reject(error: CliError): void } | undefined;
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => undefined); // handled by whoever awaits it; never an unhandled rejection in between
  const finish = (result: string | CliError): void => {
    if (settle === undefined) return;
    if (typeof result === 'string') settle.resolve(result);
    else settle.reject(result);
    settle = undefined;
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, title: string, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' }).end(page(title, text));
    };
    if (req.method !== 'GET' || url.pathname !== '/callback') return answer(404, 'Not found', 'This is the dv sign-in listener.');
    if (url.searchParams.get('state') !== state) return answer(400, 'Sign-in refused', 'This redirect does not belong to the sign-in dv started.');
    const error = url.searchParams.get('error');
    if (error !== null) {
      const description = url.searchParams.get('error_description') ?? '';
      answer(400, 'Sign-in failed', 'The identity provider refused the sign-in. You may close this page.');
      return finish(
        new CliError(`the identity provider refused the sign-in: ${error}${description ? ` (${description.slice(0, 300)})` : ''}`, EXIT.unauthenticated),
      );
    }
    const received = url.searchParams.get('code');
    if (received === null || received === '' || received.length > 2048) return answer(400, 'Sign-in refused', 'The redirect carries no authorization code.');
    answer(200, 'Signed in', 'dv is signed in. You may close this page and go back to the terminal.');
    finish(received);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const timer = setTimeout(
    () => finish(new CliError(`no sign-in within ${Math.round(timeoutMs / 1000)} s: run dv login again`, EXIT.unauthenticated)),
    timeoutMs,
  );
  timer.unref();
  let closing: Promise<void> | undefined;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    code,
    close: () => {
      clearTimeout(timer);
      finish(new CliError('the sign-in was abandoned', EXIT.unauthenticated));
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
