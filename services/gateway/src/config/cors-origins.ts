import { z } from 'zod';

/** `*`, or the exact origins allowed (`scheme://host[:port]`, as browsers send them in `Origin`). */
export type CorsOrigins = '*' | readonly string[];

/**
 * GATEWAY_CORS_ORIGINS: comma-separated exact origins (`https://console.example.com`), or `*`. Each is
 * compared with the `Origin` header as a string, so each must be written as a browser writes it: an
 * http(s) origin without path, query or trailing slash, and the default port left out.
 */
export const corsOriginsSchema = z
  .string()
  .optional()
  .transform((raw, ctx): CorsOrigins => {
    if (raw === undefined || raw.trim() === '') return [];
    if (raw.trim() === '*') return '*';
    const origins: string[] = [];
    for (const item of raw.split(',').map((s) => s.trim())) {
      const origin = URL.canParse(item) ? new URL(item).origin : 'null';
      if (origin === 'null' || origin !== item || !/^https?:/.test(item)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected exact origins like https://console.example.com (no path, no trailing slash), or *; ${JSON.stringify(item)} is not one`,
        });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });
