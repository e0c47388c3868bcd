import { replyDataBytes } from './reply-data-bytes';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytesOf = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

describe('replyDataBytes', () => {
  it('is the data of a successful envelope as written, whatever it holds', () => {
    for (const data of [{ next: 50, datavolumes: [{ id: 'a', name: 'ü "quoted" }' }] }, [1, 2], 'text', 0, null, { ok: false }]) {
      const bytes = replyDataBytes(bytesOf({ ok: true, data }));
      expect(bytes === undefined ? undefined : decoder.decode(bytes)).toBe(JSON.stringify(data));
    }
  });

  it('shares the envelope buffer (no copy)', () => {
    const envelope = bytesOf({ ok: true, data: { a: 1 } });
    expect(replyDataBytes(envelope)?.buffer).toBe(envelope.buffer);
  });

  it('is undefined for an error reply or an envelope written otherwise (the caller parses those)', () => {
    for (const other of [
      bytesOf({ ok: false, error: { code: 'NOT_FOUND', message: 'x' } }),
      bytesOf({ data: { a: 1 }, ok: true }),
      encoder.encode('{ "ok": true, "data": 1 }'),
      encoder.encode('{"ok":true,"data":'),
      encoder.encode('{"ok":true,"data":1 '),
      new Uint8Array(0),
    ]) {
      expect(replyDataBytes(other)).toBeUndefined();
    }
  });
});
