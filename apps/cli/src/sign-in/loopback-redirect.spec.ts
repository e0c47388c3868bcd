import { EXIT } from '../core/cli-error';
import { listenForRedirect } from './loopback-redirect';

describe('the loopback listener of a browser sign-in', () => {
  it('listens on 127.0.0.1 at an ephemeral port, and hands over the code that comes with its state', async () => {
    const listener = await listenForRedirect('the-state', 10_000);
    try {
      expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const answer = await fetch(`${listener.redirectUri}?code=the-code&state=the-state`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('dv is signed in');
      await expect(listener.code).resolves.toBe('the-code');
    } finally {
      await listener.close();
    }
  });

  it('refuses a redirect with another state or no code, and other paths, and goes on waiting', async () => {
    const listener = await listenForRedirect('the-state', 10_000);
    try {
      expect((await fetch(`${listener.redirectUri}?code=stolen&state=other`)).status).toBe(400);
      expect((await fetch(`${listener.redirectUri}?code=stolen`)).status).toBe(400);
      expect((await fetch(`${listener.redirectUri}?state=the-state`)).status).toBe(400);
      expect((await fetch(listener.redirectUri.replace('/callback', '/elsewhere'))).status).toBe(404);
      expect((await fetch(listener.redirectUri, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${listener.redirectUri}?code=mine&state=the-state`)).status).toBe(200);
      await expect(listener.code).resolves.toBe('mine');
    } finally {
      await listener.close();
    }
  });

  it("ends with the provider's error (exit 3), and when nobody comes back in time", async () => {
    const refused = await listenForRedirect('s', 10_000);
    try {
      expect((await fetch(`${refused.redirectUri}?error=access_denied&error_description=no%20thanks&state=s`)).status).toBe(400);
      await expect(refused.code).rejects.toMatchObject({
        message: 'the identity provider refused the sign-in: access_denied (no thanks)',
        exitCode: EXIT.unauthenticated,
      });
    } finally {
      await refused.close();
    }
    const late = await listenForRedirect('s', 50);
    try {
      await expect(late.code).rejects.toMatchObject({ message: 'no sign-in within 0 s: run dv login again', exitCode: EXIT.unauthenticated });
    } finally {
      await late.close();
    }
  });
});
