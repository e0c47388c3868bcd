import { z } from 'zod';

/** What the provider's token endpoint answers on success (RFC 6749 §5.1). */
export const providerTokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().nonnegative(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
  scope: z.string().optional(),
});
export type ProviderToken = z.output<typeof providerTokenSchema>;

/** `POST /api/v2/token`'s answer. */
export const tokenV2AnswerSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  /** Seconds until the access token expires (it is a JWT: `exp` says the same). */
  expires_in: z.number().int(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
});
export type TokenV2Answer = z.output<typeof tokenV2AnswerSchema>;

/** `POST /api/v1/token`'s answer: `idToken` and `refreshToken` only when the grant gives them (never for client credentials). */
export const tokenV1AnswerSchema = z.object({
  accessToken: z.string(),
  idToken: z.string().optional(),
  refreshToken: z.string().optional(),
  expiresIn: z.number().int(),
});
export type TokenV1Answer = z.output<typeof tokenV1AnswerSchema>;

export function tokenV2AnswerOf(token: ProviderToken): TokenV2Answer {
  return {
    access_token: token.access_token,
    token_type: 'Bearer',
    expires_in: token.expires_in,
    ...(token.refresh_token === undefined ? {} : { refresh_token: token.refresh_token }),
    ...(token.id_token === undefined ? {} : { id_token: token.id_token }),
  };
}

export function tokenV1AnswerOf(token: ProviderToken): TokenV1Answer {
  return {
    accessToken: token.access_token,
    ...(token.id_token === undefined ? {} : { idToken: token.id_token }),
    ...(token.refresh_token === undefined ? {} : { refreshToken: token.refresh_token }),
    expiresIn: token.expires_in,
  };
}
