import { type DenialReason, idSchema } from '@dv/contracts';
import { z } from 'zod';
import { type JsonPatchOp } from '../patching/patch-workload';

/** The parts of an `admission.k8s.io/v1` AdmissionReview request the webhook reads. */
export const admissionReviewSchema = z.object({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.object({
    uid: z.string().min(1).max(128),
    kind: z.object({ group: z.string(), version: z.string(), kind: z.string() }),
    namespace: z.string().optional(),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    userInfo: z.object({ username: z.string().default(''), groups: z.array(z.string()).default([]) }),
    object: z.record(z.string(), z.unknown()).nullish(),
    /** The object as it was (UPDATE). */
    oldObject: z.record(z.string(), z.unknown()).nullish(),
    dryRun: z.boolean().default(false),
  }),
});
export type AdmissionReviewRequest = z.output<typeof admissionReviewSchema>['request'];

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: 'JSONPatch';
  patch?: string;
  status?: { code: number; reason: string; message: string };
  warnings?: string[];
}

export function reviewResponse(response: AdmissionResponse): unknown {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

export function allow(uid: string, patch?: readonly JsonPatchOp[]): AdmissionResponse {
  if (!patch || patch.length === 0) return { uid, allowed: true };
  return { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
}

/** A denial the API server shows the user: our reasons, each with its code. */
export function deny(uid: string, reasons: readonly DenialReason[], code = 403): AdmissionResponse {
  const message = `data volumes: ${reasons.map((r) => `[${r.code}] ${r.message}`).join('; ')}`;
  return {
    uid,
    allowed: false,
    status: { code, reason: code === 403 ? 'Forbidden' : code === 400 ? 'BadRequest' : 'ServiceUnavailable', message: message.slice(0, 4096) },
  };
}

/**
 * The Kubernetes user as our subject: service accounts (`system:serviceaccount:<ns>:<name>`) as
 * service accounts, everyone else as users; groups kept when they are valid identifiers (at most 256).
 */
export function subjectOf(
  userInfo: AdmissionReviewRequest['userInfo'],
): { subjectId: string; subjectType: 'user' | 'service-account'; groups: string[] } | undefined {
  if (!idSchema.safeParse(userInfo.username).success) return undefined;
  const groups = userInfo.groups.filter((g) => idSchema.safeParse(g).success).slice(0, 256);
  const subjectType = userInfo.username.startsWith('system:serviceaccount:') ? 'service-account' : 'user';
  return { subjectId: userInfo.username, subjectType, groups };
}
