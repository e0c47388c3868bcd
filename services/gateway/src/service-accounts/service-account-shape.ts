import { z } from 'zod';

/** A service account's name: the reference's rule (lowercase letters, digits, `-` and `_`; a letter first, no separator last). */
export const serviceAccountNameSchema = z
  .string()
  .min(2)
  .max(255)
  .regex(/^[a-z][-_a-z0-9]*[a-z0-9]$/, 'must be lowercase letters, digits, - and _, start with a letter and end with a letter or digit');

/** A service account's id: the provider's client id (a uuid the provider makes), also its subject id in access rules. */
export const serviceAccountIdParamsSchema = z.object({ id: z.uuid() }).strict();

/** A service account as the API answers it (never with its secret but on creation and regeneration). */
export const serviceAccountSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The OAuth2 client id to request tokens with (the same as `id`). */
  clientId: z.string(),
  /** False once disabled: its tokens are refused and it gets no new ones. */
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type ServiceAccount = z.output<typeof serviceAccountSchema>;

/** Creation's and regeneration's answer: the secret, shown this once. */
export const serviceAccountWithSecretSchema = serviceAccountSchema.extend({
  /** The client secret: shown once, kept by the provider only as a hash. */
  clientSecret: z.string(),
});
export type ServiceAccountWithSecret = z.output<typeof serviceAccountWithSecretSchema>;

export const serviceAccountListSchema = z.object({
  /** The offset of the next page; absent on the last. */
  next: z.number().int().optional(),
  serviceAccounts: z.array(serviceAccountSchema),
});

export const createServiceAccountBodySchema = z.object({ name: serviceAccountNameSchema }).strict();
export const updateServiceAccountBodySchema = z.object({ enabled: z.boolean() }).strict();
