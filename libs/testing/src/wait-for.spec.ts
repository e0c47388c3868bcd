import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value, treating throws as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls++;
        if (calls < 3) throw new Error('not yet');
        return calls === 3 ? false : 'ready';
      },
      { timeoutMs: 2000, intervalMs: 1 },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(4);
  });

  it('names what it waited for and the last error on timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'the server' },
      ),
    ).rejects.toThrow(/timed out after 30ms waiting for the server: connection refused/);
  });

  it('stops at once when bailOut reports an error', async () => {
    await expect(waitFor(() => false, { timeoutMs: 10_000, bailOut: () => new Error('process exited') })).rejects.toThrow('process exited');
  });
});
