import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * GATEWAY_TRUSTED_PROXIES: IPs or CIDRs (comma separated) of the proxies whose `X-Forwarded-For` is
 * believed; Fastify's `trustProxy` takes the list. Empty: the TCP peer is the client.
 */
export const trustedProxiesSchema = z
  .string()
  .optional()
  .transform((raw, ctx): string[] => {
    if (raw === undefined || raw.trim() === '') return [];
    const items = raw.split(',').map((s) => s.trim());
    for (const item of items) {
      const [address = '', bits, extra] = item.split('/');
      const family = isIP(address);
      const maxBits = family === 6 ? 128 : 32;
      const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
      if (family === 0 || !bitsOk || extra !== undefined) {
        ctx.addIssue({ code: 'custom', message: `expected IP addresses or CIDRs (10.0.0.0/8), comma separated; ${JSON.stringify(item)} is not one` });
        return z.NEVER;
      }
    }
    return items;
  });
