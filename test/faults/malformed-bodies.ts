import { type RpcDefinition } from '@dv/contracts';
import * as contracts from '@dv/contracts';
import { randomUUID } from 'node:crypto';
import { type z } from 'zod';

/**
 * Malformed request bodies generated from each contract's zod schema (the fault suite's malformed
 * tier): the subjects come from @dv/contracts itself, so a subject added later is covered too.
 */

/** Every RPC contract exported by @dv/contracts (its groups, e.g. VolumeRpc, are walked one level deep), by subject. */
export function rpcContracts(): RpcDefinition[] {
  const found = new Map<string, RpcDefinition>();
  const isRpc = (v: unknown): v is RpcDefinition =>
    typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'rpc' && typeof (v as { subject?: unknown }).subject === 'string';
  for (const exported of Object.values(contracts)) {
    if (isRpc(exported)) found.set(exported.subject, exported);
    else if (typeof exported === 'object' && exported !== null && !Array.isArray(exported)) {
      for (const member of Object.values(exported as Record<string, unknown>)) if (isRpc(member)) found.set(member.subject, member);
    }
  }
  return [...found.values()].sort((a, b) => a.subject.localeCompare(b.subject));
}

/** One malformed request: its bytes and what it tries. */
export interface MalformedCase {
  readonly subject: string;
  readonly what: string;
  readonly body: Uint8Array;
}

interface ZodDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): ZodDef => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

/** The schema under optional/default/nullable/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const d = defOf(s);
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault' || d.type === 'readonly') && d.innerType)
      s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else break;
  }
  return s;
}

const isOptional = (schema: z.ZodType): boolean => schema.safeParse(undefined).success;

/** Who sends the requests: an object of the request naming a subject (subjectId, subjectType) names the caller, so the request gets past "only for yourself". */
export interface Caller {
  subjectId: string;
  subjectType: string;
}

/** A value the schema probably accepts (best effort: the base each malformed body is made from). */
export function sample(schema: z.ZodType, caller: Caller, depth = 0): unknown {
  const s = unwrap(schema);
  const d = defOf(s);
  const firstAccepted = (candidates: unknown[], fallback: unknown): unknown => candidates.find((c) => s.safeParse(c).success) ?? fallback;
  switch (d.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      for (const [key, field] of Object.entries(d.shape ?? {})) if (!isOptional(field)) out[key] = sample(field, caller, depth + 1);
      if ('subjectId' in out && 'subjectType' in out && s.safeParse({ ...out, ...caller }).success) Object.assign(out, caller);
      return out;
    }
    case 'string':
      return firstAccepted(['x1', randomUUID(), new Date().toISOString(), 'p1', 'a', 'name', '1'], 'x');
    case 'number':
    case 'int':
      return firstAccepted([1, 0, 10, 100], 1);
    case 'boolean':
      return true;
    case 'array':
      return d.element && !s.safeParse([]).success ? [sample(d.element, caller, depth + 1)] : [];
    case 'enum':
      return Object.values(d.entries ?? {})[0];
    case 'literal':
      return d.values?.[0];
    case 'union':
      return d.options?.[0] ? sample(d.options[0], caller, depth + 1) : null;
    case 'record':
      return {};
    default:
      return {};
  }
}

/** The top-level fields of a request schema (none when it is not an object). */
function fieldsOf(schema: z.ZodType): [string, z.ZodType][] {
  const d = defOf(unwrap(schema));
  return d.type === 'object' ? Object.entries(d.shape ?? {}) : [];
}

/** A JSON value of another type than the field wants. */
function wrongTypes(field: z.ZodType): unknown[] {
  const type = defOf(unwrap(field)).type;
  const pool: Record<string, unknown> = { string: 'x', number: 42, boolean: true, array: [1, 'two'], object: { a: 1 }, null: null };
  const own = type === 'int' || type === 'number' ? 'number' : type === 'enum' || type === 'literal' ? 'none' : type === 'record' ? 'object' : type;
  return Object.entries(pool)
    .filter(([kind]) => kind !== own)
    .map(([, v]) => v);
}

/** A value nested `levels` deep, as JSON text (JSON.stringify cannot write one a few thousand levels deep). */
function deepText(levels: number): string {
  const half = Math.floor(levels / 2);
  return `${'{"d":['.repeat(half)}"bottom"${']}'.repeat(half)}`;
}

const encoder = new TextEncoder();
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** Replaces the first occurrence of a marker string in a JSON text with raw bytes. */
function withBytes(text: string, marker: string, bytes: number[]): Uint8Array {
  const at = text.indexOf(marker);
  const head = encoder.encode(text.slice(0, at));
  const tail = encoder.encode(text.slice(at + marker.length));
  return new Uint8Array([...head, ...bytes, ...tail]);
}

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)] as T;

/** Odd but often valid strings: regex and query metacharacters, paths, lengths at common limits, direction marks, emoji, blank. */
const EDGE_STRINGS = [
  '(.*[',
  '\\',
  '.*',
  '$where',
  '{"$gt":""}',
  '../../etc/passwd',
  'a'.repeat(64),
  'a'.repeat(128),
  'a'.repeat(253),
  'a'.repeat(256),
  'Ω≈ç√ü',
  '\u202eabc',
  '😀'.repeat(20),
  ' ',
  '',
];
/** Filter- and sort-like strings (the list queries' `field<op>value`) with bad fields, operators and values. */
const EDGE_FILTERS = [
  'name==(',
  'name=@[',
  'name=^*',
  'name=~(',
  'seq>abc',
  'timestamp>=not-a-date',
  'createdAt<2000-13-45',
  'x==y',
  '==',
  'name==',
  'name!=\\',
];
const EDGE_NUMBERS = [-1, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -0];

/** Edge values for a field of this schema type (most still valid: an ok answer is no fault, INTERNAL is). */
function edgeValues(field: z.ZodType): unknown[] {
  const d = defOf(unwrap(field));
  if (d.type === 'string' || d.type === 'enum') return EDGE_STRINGS;
  if (d.type === 'number' || d.type === 'int') return EDGE_NUMBERS;
  if (d.type === 'array') return [EDGE_FILTERS, ...EDGE_FILTERS.map((f) => [f]), EDGE_STRINGS];
  if (d.type === 'object' || d.type === 'record') return [{}, { a: { b: { c: [1, 'x', null] } } }, { $gt: '' }];
  return [];
}

/**
 * The malformed bodies of one subject: wrong types per field, each required field missing, huge
 * strings and arrays, deep nesting, invalid UTF-8, lone surrogates, NUL, prototype keys, unknown
 * fields, non-JSON and empty bodies. `scale` (≥ 1) repeats the randomized kinds with other values.
 */
export function malformedCases(def: RpcDefinition, caller: Caller, scale: number, random: () => number = Math.random): MalformedCase[] {
  const cases: MalformedCase[] = [];
  const add = (what: string, body: Uint8Array): void => void cases.push({ subject: def.subject, what, body });
  const base = sample(def.request, caller) as Record<string, unknown>;
  const baseObject = typeof base === 'object' && base !== null && !Array.isArray(base) ? base : {};
  const fields = fieldsOf(def.request);

  add('empty body', new Uint8Array());
  for (const text of ['{"a":', 'not json', '[1,2', 'null', '[]', '"text"', '42', '{}{}']) add(`non-JSON or not an object: ${text}`, encoder.encode(text));
  add('invalid UTF-8 in the body', withBytes(JSON.stringify({ ...baseObject, zzMarker: 'MARK' }), 'MARK', [0xc3, 0x28, 0xff, 0xfe]));
  add('deeply nested body', encoder.encode(`${'['.repeat(5000)}${']'.repeat(5000)}`));
  add('huge unknown field', json({ ...baseObject, padding: 'p'.repeat(400_000) }));
  add('prototype key __proto__ at the top', encoder.encode(`{"__proto__":{"isAdmin":true,"polluted":1},${JSON.stringify(baseObject).slice(1)}`));
  add('prototype keys constructor/prototype', json({ ...baseObject, constructor: { prototype: { polluted: 1 } }, prototype: { polluted: 1 } }));
  add('extra unknown field', json({ ...baseObject, unexpectedField: 'surprise' }));

  for (let round = 0; round < scale; round++) {
    for (const [key, field] of fields) {
      const wrong = wrongTypes(field);
      // Two wrong types per field a round (all of them when scaled up).
      const chosen = scale > 1 ? [pick(wrong, random)] : wrong.slice(0, 2);
      for (const value of chosen) add(`${key}: wrong type ${JSON.stringify(value)}`, json({ ...baseObject, [key]: value }));
      if (round === 0 && !isOptional(field)) {
        const { [key]: _dropped, ...rest } = baseObject;
        add(`${key}: missing`, json(rest));
      }
      const size = round === 0 ? 200_000 : 1000 + Math.floor(random() * 300_000);
      add(`${key}: huge string (${size})`, json({ ...baseObject, [key]: 's'.repeat(size) }));
      add(
        `${key}: big array`,
        json({ ...baseObject, [key]: Array.from({ length: round === 0 ? 20_000 : 1 + Math.floor(random() * 40_000) }, (_, i) => `item-${i}`) }),
      );
      const levels = round === 0 ? 6000 : 100 + Math.floor(random() * 10_000);
      add(`${key}: nested ${levels} levels`, encoder.encode(JSON.stringify({ ...baseObject, [key]: 'DEEP' }).replace('"DEEP"', deepText(levels))));
      add(`${key}: lone surrogate`, json({ ...baseObject, [key]: pick(['x\ud800', '\udc00y', 'a\udbff\udbffb'], random) }));
      add(`${key}: NUL`, json({ ...baseObject, [key]: 'x\u0000y' }));
      add(
        `${key}: invalid UTF-8`,
        withBytes(JSON.stringify({ ...baseObject, [key]: 'MARK' }), 'MARK', pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]], random)),
      );
      const edges = edgeValues(field);
      for (const value of round === 0 ? edges : edges.length > 0 ? [pick(edges, random)] : [])
        add(`${key}: edge value ${JSON.stringify(value).slice(0, 60)}`, json({ ...baseObject, [key]: value }));
      add(`${key}: __proto__ inside`, encoder.encode(JSON.stringify({ ...baseObject, [key]: { ok: 1 } }).replace('{"ok":1}', '{"__proto__":{"polluted":1}}')));
    }
  }

  // One level down: each member of an object field, and of the first item of an array of objects
  // (the scopes of a sharing change, the subject of a check, …): wrong types, missing, edge values.
  for (const [key, field] of fields) {
    const inner = unwrap(field);
    const d = defOf(inner);
    const element = d.type === 'array' && d.element ? unwrap(d.element) : undefined;
    const container = d.type === 'object' ? inner : element && defOf(element).type === 'object' ? element : undefined;
    if (!container) continue;
    const sampled = sample(container, caller) as Record<string, unknown>;
    const wrap = (member: Record<string, unknown>): unknown => (d.type === 'array' ? [member] : member);
    for (const [sub, subField] of fieldsOf(container)) {
      const values = [...wrongTypes(subField).slice(0, 2), ...edgeValues(subField).slice(0, scale > 1 ? undefined : 4), 'x\ud800', 's'.repeat(100_000)];
      for (const value of values)
        add(`${key}.${sub}: ${JSON.stringify(value).slice(0, 60)}`, json({ ...baseObject, [key]: wrap({ ...sampled, [sub]: value }) }));
      if (!isOptional(subField)) {
        const { [sub]: _dropped, ...rest } = sampled;
        add(`${key}.${sub}: missing`, json({ ...baseObject, [key]: wrap(rest) }));
      }
    }
  }
  return cases;
}

/** Whether the contract itself takes these bytes as a request (then an answer other than an error is no fault). */
export function contractAccepts(def: RpcDefinition, body: Uint8Array): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    return def.request.safeParse(body.length === 0 ? {} : JSON.parse(text)).success;
  } catch {
    return false;
  }
}
