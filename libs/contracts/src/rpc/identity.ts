import { z } from 'zod';

/** Subject types as the public API spells them: users, groups, applications and service accounts. */
export const SUBJECT_TYPES = ['user', 'group', 'app', 'service-account'] as const;
export const subjectTypeSchema = z.enum(SUBJECT_TYPES);
export type SubjectType = z.infer<typeof subjectTypeSchema>;

/** Identifiers of subjects and scopes: printable, bounded, no whitespace or NATS wildcard characters. */
export const idSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'must be an identifier (letters, digits, . _ : @ / -)');

/**
 * Who is calling: set by the edge that authenticated the caller (gateway, webhook) and carried
 * unchanged across every internal hop in the `dv-identity` header.
 */
export const identitySchema = z.object({
  subjectId: idSchema,
  subjectType: subjectTypeSchema,
  groups: z.array(idSchema).max(1000).default([]),
});
export type Identity = z.output<typeof identitySchema>;
export type IdentityInput = z.input<typeof identitySchema>;
