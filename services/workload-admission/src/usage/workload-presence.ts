import { type KubeClients, isNotFound } from '@dv/kube';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type KubernetesObject } from '@kubernetes/client-node';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { ADMISSION_REVIEW_LABEL } from '../review/review-label';
import { KUBE_CLIENTS } from '../tokens';
import { type UsageDoc } from './usage.model';

export type Presence = { state: 'present'; name: string } | { state: 'gone' } | { state: 'unknown' };

/** Kubernetes reads at once while checking a usage answer. */
const PARALLEL = 8;

/**
 * Whether the object a webhook admission was for exists in the Kubernetes API. The webhook admits
 * before the API server stores (a later webhook may refuse, the store may fail; a `generateName`
 * object is named only after admission), so its records are checked before a usage answer reports
 * them: a named object by name (another object holding the name under another review's label is
 * not it), a generated one by the admission-review label. Records younger than
 * ADMISSION_USAGE_VERIFY_AFTER_MS are taken as present (the API server may still be storing the
 * object); when the API cannot say (an error, a kind it does not serve), the object counts as present.
 */
@Injectable()
export class WorkloadPresence {
  private readonly logger = new Logger('WorkloadPresence');

  constructor(
    @Inject(KUBE_CLIENTS) private readonly kube: KubeClients,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  /** True for records this check applies to: webhook admissions old enough to be stored by now. */
  checkable(doc: UsageDoc, now = Date.now()): boolean {
    return doc.via === 'webhook' && doc.apiVersion !== undefined && now - doc.admittedAt.getTime() >= this.config.ADMISSION_USAGE_VERIFY_AFTER_MS;
  }

  /** The presence of each record's object, in order. */
  async of(docs: readonly UsageDoc[]): Promise<Presence[]> {
    const out: Presence[] = [];
    for (let i = 0; i < docs.length; i += PARALLEL) out.push(...(await Promise.all(docs.slice(i, i + PARALLEL).map((d) => this.one(d)))));
    return out;
  }

  private async one(doc: UsageDoc): Promise<Presence> {
    const apiVersion = doc.apiVersion ?? '';
    try {
      if (doc.generated) {
        const list = await this.kube.objects.list<KubernetesObject>(
          apiVersion,
          doc.kind,
          doc.namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          `${ADMISSION_REVIEW_LABEL}=${doc.reviewId}`,
          1,
        );
        const name = list.items[0]?.metadata?.name;
        return name ? { state: 'present', name } : { state: 'gone' };
      }
      const object = await this.kube.objects.read<KubernetesObject>({ apiVersion, kind: doc.kind, metadata: { name: doc.name, namespace: doc.namespace } });
      const label = object.metadata?.labels?.[ADMISSION_REVIEW_LABEL];
      return label !== undefined && label !== doc.reviewId ? { state: 'gone' } : { state: 'present', name: doc.name };
    } catch (error) {
      if (isNotFound(error)) return { state: 'gone' };
      this.logger.warn(
        `could not check ${doc.kind} ${doc.namespace}/${doc.name}: ${error instanceof Error ? error.message : String(error)}; counted as in use`,
      );
      return { state: 'unknown' };
    }
  }
}
