// Child process of authz-nats.bench.ts (a diagnostic, not the baseline): a raw nats.js queue
// subscription that answers every request with the same bytes, a real authz check reply captured
// at the start of the run, so that it sends replies of the same size as authz does.
import { drainNats } from '@dv/messaging';
import { z } from 'zod';
import { childMain } from '../harness/child';
import { benchConnect } from '../harness/connection';

const configSchema = z.object({ natsUrl: z.string(), subject: z.string(), reply: z.string() });

childMain(configSchema, async (config) => {
  const nc = await benchConnect(config.natsUrl, 'bench-authz-canned', 'raw');
  const reply = new TextEncoder().encode(config.reply);
  const sub = nc.subscribe(config.subject, { queue: 'bench-authz-canned', callback: (_err, m) => void m.respond(reply) });
  await nc.flush();
  return async () => {
    await sub.drain();
    await drainNats(nc);
  };
});
