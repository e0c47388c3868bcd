import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type DevUser, findDevUser } from './dev-users';
import { ChallengeRejectedError, HydraAdmin } from './hydra-admin';

export interface StartDevLoginOptions {
  /** Hydra's admin URL, where logins and consents are accepted. */
  hydraAdminUrl: string;
  users: readonly DevUser[];
  /** The one password of every development user. */
  password: string;
  /** Loopback port to listen on (0: any free port). */
  port?: number;
}

export interface RunningDevLogin {
  url: string;
  loginUrl: string;
  consentUrl: string;
  logoutUrl: string;
  stop(): Promise<void>;
}

const MAX_FORM_BYTES = 16 * 1024;

/** Bad input from the browser: answered 400 (or 401 for a failed sign-in), never 500. */
class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function challengeOf(value: string | null, name: string): string {
  if (value === null || value.length === 0 || value.length > 2048) throw new BadRequest(400, `${name} is required (at most 2048 characters)`);
  return value;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== 'application/x-www-form-urlencoded') throw new BadRequest(400, 'the form must be application/x-www-form-urlencoded');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new BadRequest(413, `the form is larger than ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginPage(challenge: string, users: readonly DevUser[], problem?: string): string {
  const options = users
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.id)}${u.groups.length ? ` (${escapeHtml(u.groups.join(', '))})` : ''}</option>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in (development)</title></head><body>
<h1>Sign in: development users</h1>${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="login_challenge" value="${escapeHtml(challenge)}">
<label>User <select name="username">${options}</select></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

/**
 * The login-and-consent app of the development identity provider (Ory Hydra): development users of
 * the org file sign in with one shared password; consent is granted without asking (every client is
 * ours) and puts the user's groups into the access token's `groups` claim. Never for production.
 */
export async function startDevLogin(options: StartDevLoginOptions): Promise<RunningDevLogin> {
  const hydra = new HydraAdmin(options.hydraAdminUrl);
  const passwordDigest = digest(options.password);

  function redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { location, 'cache-control': 'no-store' }).end();
  }

  function html(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
  }

  async function showLogin(url: URL, res: ServerResponse): Promise<void> {
    const challenge = challengeOf(url.searchParams.get('login_challenge'), 'login_challenge');
    const request = await hydra.loginRequest(challenge);
    // Hydra already knows the user (a remembered session): no form.
    if (request.skip) return redirect(res, await hydra.acceptLogin(challenge, request.subject));
    html(res, 200, loginPage(challenge, options.users));
  }

  async function submitLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const challenge = challengeOf(form.get('login_challenge'), 'login_challenge');
    const user = findDevUser(options.users, form.get('username') ?? '');
    const passwordOk = timingSafeEqual(digest(form.get('password') ?? ''), passwordDigest);
    if (!user || !passwordOk) return html(res, 401, loginPage(challenge, options.users, 'Unknown user or wrong password.'));
    redirect(res, await hydra.acceptLogin(challenge, user.id));
  }

  async function consent(url: URL, res: ServerResponse): Promise<void> {
    const challenge = challengeOf(url.searchParams.get('consent_challenge'), 'consent_challenge');
    const request = await hydra.consentRequest(challenge);
    const user = options.users.find((u) => u.id === request.subject);
    if (!user) return redirect(res, await hydra.rejectConsent(challenge, 'not a development user'));
    const groups = [...user.groups];
    redirect(res, await hydra.acceptConsent(challenge, request, { groups }, { groups, email: user.email }));
  }

  async function logout(url: URL, res: ServerResponse): Promise<void> {
    redirect(res, await hydra.acceptLogout(challengeOf(url.searchParams.get('logout_challenge'), 'logout_challenge')));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = `${req.method ?? ''} ${url.pathname}`;
    if (key === 'GET /login') return showLogin(url, res);
    if (key === 'POST /login') return submitLogin(req, res);
    if (key === 'GET /consent') return consent(url, res);
    if (key === 'GET /logout') return logout(url, res);
    if (key === 'GET /healthz') return html(res, 200, 'ok');
    throw new BadRequest(404, `no ${key}`);
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = error instanceof BadRequest ? error.status : error instanceof ChallengeRejectedError ? 400 : 502;
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(status === 502 ? `the identity provider failed: ${message}` : message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    loginUrl: `${url}/login`,
    consentUrl: `${url}/consent`,
    logoutUrl: `${url}/logout`,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
