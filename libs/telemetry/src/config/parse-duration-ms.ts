const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `1.5m`, `2h` or a bare number of milliseconds; undefined when malformed or negative. */
export function parseDurationMs(raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(raw.trim());
  if (!match?.[1]) return undefined;
  const factor = UNIT_MS[(match[2] ?? 'ms').toLowerCase()];
  if (factor === undefined) return undefined;
  const ms = Math.round(Number(match[1]) * factor);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
