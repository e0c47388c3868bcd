import { ApiClient } from '../core/api-client';
import { CliError } from '../core/cli-error';
import { type CommandGroup, defineCommand } from '../core/command';
import { configPath } from '../core/config-file';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export const LOGIN = defineCommand({
  name: 'login',
  summary: 'Sign in to a gateway: a service account by client credentials, or a token you already hold',
  usage: '--url <gateway> (--client-id <id> [--client-secret-stdin] | --token-stdin)   (DV_CLIENT_SECRET holds the secret otherwise)',
  flags: { url: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret-stdin': { type: 'boolean' }, 'token-stdin': { type: 'boolean' } },
  positionals: { min: 0, max: 0, names: '' },
  async run({ flags }, ctx) {
    const env = flags.url === undefined ? ctx.env : { ...ctx.env, DV_API_URL: flags.url };
    const api = await ApiClient.open(env, { needToken: false });
    if (flags['client-id'] !== undefined) {
      if (flags['token-stdin'] === true) throw CliError.usage('--client-id and --token-stdin exclude each other');
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
    throw CliError.usage(
      'give --client-id (a service account) or --token-stdin (a token from the console or your identity provider); a browser sign-in for people is not built yet',
    );
  },
});

export const LOGOUT = defineCommand({
  name: 'logout',
  summary: 'Forget the token and the client credentials',
  usage: '',
  flags: {},
  positionals: { min: 0, max: 0, names: '' },
  async run(_, ctx) {
    const api = await ApiClient.open(ctx.env, { needToken: false });
    await api.logout();
    ctx.out(`signed out of ${api.url}\n`);
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
