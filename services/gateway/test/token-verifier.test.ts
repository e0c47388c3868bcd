import { type DevIdentityProvider, startDevIdentityProvider } from '@dv/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenVerifier } from '../src/auth/token-verifier';
import { AUDIENCE, clientCredentialsToken, serviceAccountClient, userToken } from './oidc-client';

/**
 * The verifier against the real provider's key set: what a verified token yields, and that a cached
 * token is answered without a signature check (what it costs is printed, not asserted: figures belong
 * to benchmarks, which compare in the same run, not to tests that fail on a slow machine).
 */
let idp: DevIdentityProvider;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-gateway-verifier-'));
  idp = await startDevIdentityProvider({ dir });
}, 30 * 60_000);

afterAll(async () => {
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
});

function verifier(cacheMax: number): TokenVerifier {
  return new TokenVerifier({
    issuer: idp.issuer,
    audience: AUDIENCE,
    jwksUrl: `${idp.publicUrl}/.well-known/jwks.json`,
    claims: { subject: 'sub', groups: 'groups' },
    cacheMax,
    jwksCooldownMs: 5000,
  });
}

async function timings(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const micros: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  micros.sort((a, b) => a - b);
  return { p50: micros[Math.floor(runs * 0.5)] ?? Infinity, p99: micros[Math.floor(runs * 0.99)] ?? Infinity };
}

it("yields the user's identity with groups, and a service account for client credentials", async () => {
  const v = verifier(100);
  await v.loadKeys();
  expect(v.ready).toBe(true);
  expect(await v.verifyHeader(`Bearer ${await userToken(idp, 'bob@acme.example')}`)).toEqual({
    ok: true,
    identity: { subjectId: 'bob@acme.example', subjectType: 'user', groups: ['researchers', 'vision-team'] },
  });
  const client = await serviceAccountClient(idp);
  expect(await v.verifyHeader(`bearer ${await clientCredentialsToken(idp, client)}`)).toEqual({
    ok: true,
    identity: { subjectId: client.client_id, subjectType: 'service-account', groups: [] },
  });
  expect(await v.verifyHeader(undefined)).toEqual({ ok: false, refusal: 'missing' });
  expect(await v.verifyHeader('Bearer a.b.c')).toEqual({ ok: false, refusal: 'malformed' });
});

it('answers a cached token without checking its signature again (the cost printed beside a full verification)', async () => {
  const header = `Bearer ${await clientCredentialsToken(idp, await serviceAccountClient(idp))}`;
  const cached = verifier(10_000);
  const uncached = verifier(0);
  expect((await cached.verifyHeader(header)).ok).toBe(true);
  expect((await uncached.verifyHeader(header)).ok).toBe(true);
  await timings(2_000, () => cached.verifyHeader(header)); // warm-up (JIT)
  const checksBefore = { cached: cached.signatureChecks, uncached: uncached.signatureChecks };
  const hit = await timings(20_000, () => cached.verifyHeader(header));
  const full = await timings(2_000, () => uncached.verifyHeader(header));
  process.stdout.write(
    `${JSON.stringify({ figures: 'gateway token verification (RS256, Hydra key set), not asserted', cacheHitMicros: hit, fullVerifyMicros: full })}\n`,
  );
  expect(cached.signatureChecks - checksBefore.cached).toBe(0);
  expect(uncached.signatureChecks - checksBefore.uncached).toBe(2_000);
  expect((await cached.verifyHeader(header)).ok).toBe(true);
  // The bearer hook's path without a promise: the cached token's identity, and nothing for a token not (or no longer) cached.
  expect(cached.cachedIdentityOf(header)).toEqual(await cached.verifyHeader(header).then((o) => (o.ok ? o.identity : undefined)));
  expect(cached.cachedIdentityOf(header)?.subjectType).toBe('service-account');
  expect(uncached.cachedIdentityOf(header)).toBeUndefined();
  expect(cached.cachedIdentityOf(`${header}x`)).toBeUndefined();
  expect(cached.cachedIdentityOf(header.replace('Bearer ', 'Basic '))).toBeUndefined();
  expect(cached.cachedIdentityOf(undefined)).toBeUndefined();
}, 120_000);
