import { ApiClient } from '../core/api-client';
import { CliError } from '../core/cli-error';
import { type CommandContext, type CommandGroup, defineCommand } from '../core/command';
import { type OidcSettings, configPath } from '../core/config-file';
import { browserSignIn, revokeRefreshToken } from '../sign-in/browser-sign-in';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** The audience asked for when none is configured: the gateway's in the test bed and `npm start`. */
const DEFAULT_AUDIENCE = 'dv-gateway';

export const DEVICE_FLOW_REFUSAL =
  'the device flow (RFC 8628) is not available: Ory Hydra v2.3.0, the identity provider of the platform, does not implement the device authorization grant (decision 0028). Sign in through the browser (dv login), or give a token you hold with --token-stdin';

function oidcSettings(
  flags: { issuer?: string | undefined; 'oidc-client-id'?: string | undefined; audience?: string | undefined },
  env: CommandContext['env'],
  saved: OidcSettings | undefined,
): OidcSettings {
  const issuer = flags.issuer ?? (env['DV_OIDC_ISSUER'] || undefined) ?? saved?.issuer;
  const clientId = flags['oidc-client-id'] ?? (env['DV_OIDC_CLIENT_ID'] || undefined) ?? saved?.clientId;
  const audience = flags.audience ?? (env['DV_OIDC_AUDIENCE'] || undefined) ?? saved?.audience ?? DEFAULT_AUDIENCE;
  if (issuer === undefined || clientId === undefined)
    throw CliError.usage(
      "a person signs in through the identity provider: give --issuer <url> and --oidc-client-id <the command line's client id> (or DV_OIDC_ISSUER and DV_OIDC_CLIENT_ID); a service account gives --client-id",
    );
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw CliError.usage(`--issuer ${issuer} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw CliError.usage(`--issuer ${issuer}: the provider is reached over http or https`);
  if (clientId.length > 255 || audience.length > 256 || audience === '') throw CliError.usage('--oidc-client-id or --audience is too long or empty');
  return { issuer, clientId, audience };
}

export const LOGIN = defineCommand({
  name: 'login',
  summary: 'Sign in to a gateway: a person through the browser, a service account by client credentials, or a token you already hold',
  usage: `--url <gateway> [--browser] [--no-browser] [--issuer <url> --oidc-client-id <id>] [--audience <aud>]
         | --url <gateway> --client-id <id> [--client-secret-stdin]   (DV_CLIENT_SECRET holds the secret otherwise)
         | --url <gateway> --token-stdin

A person (the default): authorization code with PKCE through the browser, back to a listener on
127.0.0.1 (RFC 8252). The provider and the command line's client there come from --issuer and
--oidc-client-id, DV_OIDC_ISSUER and DV_OIDC_CLIENT_ID, or the last sign-in; the audience from --audience
or DV_OIDC_AUDIENCE (default ${DEFAULT_AUDIENCE}). --no-browser prints the address instead of opening it.
The refresh token is kept (owner-only file) and renews the access token before it expires; dv logout revokes it.
--device is refused (exit 2): ${DEVICE_FLOW_REFUSAL}.`,
  flags: {
    url: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret-stdin': { type: 'boolean' },
    'token-stdin': { type: 'boolean' },
    browser: { type: 'boolean' },
    'no-browser': { type: 'boolean' },
    device: { type: 'boolean' },
    issuer: { type: 'string' },
    'oidc-client-id': { type: 'string' },
    audience: { type: 'string' },
  },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    // Before anything else: no gateway or provider is needed to say it is not there.
    if (flags.device === true) throw CliError.usage(DEVICE_FLOW_REFUSAL);
    const env = flags.url === undefined ? ctx.env : { ...ctx.env, DV_API_URL: flags.url };
    const api = await ApiClient.open(env, { needToken: false });
    const ways = [flags['client-id'] !== undefined, flags['token-stdin'] === true, flags.browser === true].filter(Boolean).length;
    if (ways > 1) throw CliError.usage('--browser, --client-id and --token-stdin exclude each other');
    if (flags['client-id'] !== undefined) {
      // Never a flag: a secret on the command line is visible to every user of the machine (ps).
      const secret = flags['client-secret-stdin'] === true ? await readStdin() : ctx.env['DV_CLIENT_SECRET'];
      if (!secret) throw CliError.usage('the client secret comes on stdin (--client-secret-stdin) or in DV_CLIENT_SECRET');
      await api.loginWithClientCredentials(flags['client-id'], secret);
      ctx.out(`signed in to ${api.url} as service account ${flags['client-id']}\n`);
      return;
    }
    if (flags['token-stdin'] === true) {
      const token = await readStdin();
      if (token.split('.').length !== 3) throw CliError.usage('stdin does not hold a JWT access token');
      await api.loginWithToken(token);
      ctx.out(`signed in to ${api.url} with the given token\n`);
      return;
    }
    const oidc = oidcSettings(flags, ctx.env, api.oidc);
    const subject = await browserSignIn(api, oidc, ctx, { openBrowser: flags['no-browser'] !== true });
    ctx.out(`signed in to ${api.url} as ${subject}\n`);
  },
});

export const LOGOUT = defineCommand({
  name: 'logout',
  summary: "Forget the tokens and client credentials, revoking a person's sign-in at the provider",
  usage: '',
  flags: {},
  positionals: { min: 0, max: 0, names: '' },
  async run(_, ctx) {
    const api = await ApiClient.open(ctx.env, { needToken: false });
    const session = api.personSession;
    // Forgotten here whatever the provider says: a sign-in that cannot be revoked is at least not kept.
    await api.logout();
    if (session === undefined) return ctx.out(`signed out of ${api.url}\n`);
    try {
      await revokeRefreshToken(session.oidc, session.refreshToken);
    } catch (error) {
      if (error instanceof CliError) throw new CliError(`signed out here, but ${error.message}`, error.exitCode);
      throw error;
    }
    ctx.out(`signed out of ${api.url}; the sign-in is revoked at ${session.oidc.issuer}\n`);
  },
});

const setProject = defineCommand({
  name: 'set-project',
  summary: 'The project `datavolume list` and `create` use without -p (none: forget it)',
  usage: '<project|none>',
  flags: {},
  positionals: { min: 1, max: 1, names: 'the project id (or none)' },
  async run({ args }, ctx) {
    const api = await ApiClient.open(ctx.env, { needToken: false });
    await api.setProject(args[0] === 'none' ? undefined : args[0]);
    ctx.out(args[0] === 'none' ? 'no default project\n' : `default project: ${args[0] ?? ''}\n`);
  },
});

const path = defineCommand({
  name: 'path',
  summary: 'Where the configuration is kept (owner-only file)',
  usage: '',
  flags: {},
  positionals: { min: 0, max: 0, names: '' },
  async run(_, ctx) {
    ctx.out(`${configPath(ctx.env)}\n`);
    return Promise.resolve();
  },
});

export const CONFIG: CommandGroup = { name: 'config', summary: 'The local configuration', commands: [setProject, path] };
