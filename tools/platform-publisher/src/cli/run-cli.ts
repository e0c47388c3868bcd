import { DvError } from '@dv/contracts';
import { type KubeClients, createKubeClients, loadKubeConfig } from '@dv/kube';
import { EventPublisher, PLATFORM_STREAM_NAMES, awaitStreams, connectNats, drainNats } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { errorMessage } from '../errors/error-message';
import { systemErrorCode } from '../errors/system-error-code';
import { OrgFileError } from '../org/org-file-error';
import { orgEntities } from '../org/org-entities';
import { type OrgFile } from '../org/org-file.schema';
import { readOrgFile } from '../org/parse-org-file';
import { planOrgEvents } from '../plan/plan-org-events';
import { publishOrg } from '../publish/publish-org';
import { PUBLISHER_SOURCE } from '../publish/publisher-identity';
import { type PublisherState } from '../state/publisher-state';
import { StateFileError, readStateFile, writeStateFile } from '../state/state-file';
import { type CliOptions, parseCliArgs } from './parse-cli-args';
import { USAGE } from './usage-text';
import { UsageError } from './usage-error';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** The whole CLI behind an exit code: 0 done, 1 failed while publishing, 2 bad arguments, environment or files. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let options: CliOptions;
  let org: OrgFile;
  let state: PublisherState;
  try {
    const command = parseCliArgs(argv, env);
    if (command.help) {
      io.out(USAGE);
      return EXIT_OK;
    }
    options = command;
    org = await readOrgFileOrExplain(options.file);
    state = await readStateFile(options.statePath);
  } catch (error: unknown) {
    if (error instanceof UsageError || error instanceof OrgFileError || error instanceof StateFileError) {
      io.err(`platform-publisher: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }

  if (options.dryRun) {
    const plan = planOrgEvents(orgEntities(org), state, options);
    printJson(io, {
      dryRun: true,
      mode: options.mode,
      file: options.file,
      events: plan.map((e) => ({ type: e.def.type, subject: e.entityId, action: e.action, reason: e.reason, version: e.version, eventId: e.eventId })),
      namespaces: options.kube && options.mode === 'apply' ? org.projects.map((p) => p.namespace) : [],
    });
    return EXIT_OK;
  }

  let core: KubeClients['core'] | undefined;
  try {
    core = options.kube ? createKubeClients(loadKubeConfig({ kubeconfigPath: options.kubeconfigPath, env })).core : undefined;
  } catch (error: unknown) {
    io.err(`platform-publisher: ${errorMessage(error)}`);
    return EXIT_BAD_INPUT;
  }

  const natsUrl = options.natsUrl;
  if (natsUrl === undefined) throw new Error('parseCliArgs lets no run without a NATS URL through');
  let nc: NatsConnection | undefined;
  try {
    // With NATS permissions on (deploy/nats/nats-server.conf), it connects as the platform-publisher user.
    const user = env['NATS_USER'] || undefined;
    nc = await connectNats({ url: natsUrl, name: 'platform-publisher', ...(user !== undefined ? { user, pass: env['NATS_PASSWORD'] ?? '' } : {}) }).catch(
      (error: unknown) => {
        throw DvError.unavailable(`cannot connect to NATS at ${natsUrl}: ${errorMessage(error)}`);
      },
    );
    // The streams are the provisioner's to make (provisionStreams); the publisher only waits for them.
    await awaitStreams(nc, PLATFORM_STREAM_NAMES, { timeoutMs: 30_000 });
    const result = await publishOrg({
      org,
      publisher: new EventPublisher(nc, PUBLISHER_SOURCE),
      core,
      state,
      mode: options.mode,
      prune: options.prune,
      saveState: (next) => writeStateFile(options.statePath, next),
    });
    const fresh = result.events.filter((e) => !e.duplicate);
    printJson(io, {
      mode: options.mode,
      file: options.file,
      state: options.statePath,
      published: fresh.length,
      duplicates: result.events.length - fresh.length,
      events: result.events,
      namespaces: result.namespaces,
    });
    return EXIT_OK;
  } catch (error: unknown) {
    io.err(`platform-publisher: ${errorMessage(error)}`);
    return EXIT_FAILED;
  } finally {
    if (nc !== undefined) await drainNats(nc);
  }
}

/** Pretty JSON on stdout: read by people as often as by scripts. */
function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

async function readOrgFileOrExplain(path: string): Promise<OrgFile> {
  try {
    return await readOrgFile(path);
  } catch (error: unknown) {
    if (systemErrorCode(error) !== undefined) throw new UsageError(`cannot read --file ${path}: ${errorMessage(error)}`);
    throw error;
  }
}
