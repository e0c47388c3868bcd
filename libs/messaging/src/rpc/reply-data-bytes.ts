/** How serveRpc writes a successful reply: `JSON.stringify({ok: true, data})`. */
const OK_PREFIX = new TextEncoder().encode('{"ok":true,"data":');
const CLOSE_BRACE = 0x7d;

/**
 * The `data` of a successful reply envelope as the bytes the service wrote, without parsing them: the
 * envelope minus its `{"ok":true,"data":` prefix and closing `}`. Undefined for anything else (an error
 * reply, or an envelope written otherwise), which the caller then parses.
 */
export function replyDataBytes(envelope: Uint8Array): Uint8Array | undefined {
  if (envelope.length <= OK_PREFIX.length + 1 || envelope[envelope.length - 1] !== CLOSE_BRACE) return undefined;
  for (let i = 0; i < OK_PREFIX.length; i++) if (envelope[i] !== OK_PREFIX[i]) return undefined;
  return envelope.subarray(OK_PREFIX.length, envelope.length - 1);
}
