/**
 * What @EventHandler asks of a method's descriptor besides its type: nothing when the method's first
 * parameter is a real type, an impossible `value` when it is `unknown` or `any` (which would accept
 * any contract's data, and let a handler cast instead of using the validated type), so such a
 * handler does not compile.
 */
export type TypedEventData<M> = M extends (data: infer D, ...rest: never[]) => unknown
  ? unknown extends D
    ? { value: never; 'event handler data must be typed': never }
    : unknown
  : unknown;
