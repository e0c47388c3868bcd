import { type z } from 'zod';

const names = new Map<z.ZodType, string>();

/**
 * Names a shape several operations share, as a component of the OpenAPI document (`DataVolume`,
 * `Error`): referenced wherever it appears. Any other body or answer is named after its operation
 * (`CreateDataVolumeRequest`, `ListDataVolumes200`).
 */
export function nameApiSchema<S extends z.ZodType>(schema: S, name: string): S {
  const taken = [...names].find(([other, n]) => n === name && other !== schema);
  if (taken !== undefined) throw new Error(`the API schema name ${name} is taken`);
  names.set(schema, name);
  return schema;
}

export function apiSchemaName(schema: z.ZodType): string | undefined {
  return names.get(schema);
}

export function namedApiSchemas(): readonly (readonly [z.ZodType, string])[] {
  return [...names];
}
