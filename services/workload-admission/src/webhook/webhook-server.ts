import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { type TLSSocket } from 'node:tls';
import { type ErrorCode, httpStatusOf } from '@dv/contracts';
import { type KubeClients } from '@dv/kube';
import { checkJsonValue } from '@dv/messaging';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { KUBE_CLIENTS } from '../tokens';
import { WEBHOOK_PATH } from './webhook-path';
import { registerWebhook, unregisterWebhook } from './webhook-registration';
import { type ReviewInput, ReviewService } from '../review/review-service';
import { type AdmissionResponse, type AdmissionReviewRequest, admissionReviewSchema, allow, deny, reviewResponse, subjectOf } from './admission-review';
import { webhookAction } from './webhook-action';
import { clientRefusal } from './client-certificate';

class BodyTooLarge extends Error {}

/**
 * How deep an AdmissionReview may nest: a workload's own nesting (about 20 levels for a Pod, more for
 * some custom resources) under the review's few, with room to spare; its decision event, workload
 * included, still has a canonical form in the audit log (128 levels).
 */
const MAX_REVIEW_DEPTH = 100;

/**
 * The Kubernetes mutating admission webhook (HTTPS, AdmissionReview v1). A workload created with the
 * `dv.platform/data-volumes` annotation is reviewed with the Kubernetes user as the subject and the
 * namespace's project; admitted → stored with the JSON patch, denied → refused with our reasons.
 * Controller-made objects and updates get the read-only guard only (`webhookAction`); objects that
 * ask for nothing and name no data volume PVC pass untouched. A body that is not an AdmissionReview
 * gets 400 (the API server then applies the failure policy: Fail). Only the API server is answered:
 * a caller without a client certificate from ADMISSION_WEBHOOK_CLIENT_CA_FILE gets 401 before its
 * body is read (docs/decisions/0013).
 */
@Injectable()
export class WebhookServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhook');
  private server: Server | undefined;

  constructor(
    private readonly reviews: ReviewService,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
    @Inject(KUBE_CLIENTS) private readonly kube: KubeClients,
  ) {}

  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const {
      ADMISSION_WEBHOOK_PORT: port,
      ADMISSION_WEBHOOK_CERT_FILE: certFile,
      ADMISSION_WEBHOOK_KEY_FILE: keyFile,
      ADMISSION_WEBHOOK_CLIENT_CA_FILE: clientCaFile,
    } = this.config;
    if (port === undefined || !certFile || !keyFile || !clientCaFile) return;
    const [cert, key, clientCa] = await Promise.all([readFile(certFile), readFile(keyFile), readFile(clientCaFile)]);
    // Client certificates are asked for and checked against the API server's CA; one that is missing
    // or not from it is answered 401 by serve() (a handshake failure would say nothing to the caller).
    const server = createServer({ cert, key, ca: clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.ADMISSION_WEBHOOK_HOST, () => resolve());
    });
    this.server = server;
    this.logger.log(`webhook listening on https://${this.config.ADMISSION_WEBHOOK_HOST}:${this.port ?? port}${WEBHOOK_PATH}`);
    if (this.config.ADMISSION_WEBHOOK_REGISTER_AS && this.config.ADMISSION_WEBHOOK_CA_FILE) {
      const url = await registerWebhook(this.kube, this.config, await readFile(this.config.ADMISSION_WEBHOOK_CA_FILE, 'utf8'), this.port ?? port);
      this.logger.log(`registered MutatingWebhookConfiguration ${this.config.ADMISSION_WEBHOOK_REGISTER_AS} → ${url}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    if (this.config.ADMISSION_WEBHOOK_REGISTER_AS) {
      await unregisterWebhook(this.kube, this.config.ADMISSION_WEBHOOK_REGISTER_AS).catch((e: unknown) =>
        this.logger.warn(`could not unregister the webhook: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // The error body `{code, message}` with the status the one mapping gives its code (413 for a body too large is HTTP's own).
    const fail = (code: ErrorCode, message: string, status = httpStatusOf(code)): void => send(status, { code, message });
    const tls = req.socket as TLSSocket;
    // Node gives a repeated subject attribute as an array, whatever its declared type says.
    const peer = {
      authorized: tls.authorized,
      authorizationError: tls.authorizationError,
      commonName: tls.authorized ? (tls.getPeerCertificate().subject?.CN as unknown) : undefined,
    };
    const refusal = clientRefusal(peer, this.config.ADMISSION_WEBHOOK_CLIENT_NAMES);
    if (refusal) {
      this.logger.warn(`refused a call from ${req.socket.remoteAddress ?? 'an unknown address'}: ${refusal.message}`);
      res.writeHead(httpStatusOf(refusal.code), { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ code: refusal.code, message: refusal.message }));
      req.resume();
      return;
    }
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== WEBHOOK_PATH) {
      fail('NOT_FOUND', `POST AdmissionReviews to ${WEBHOOK_PATH}`);
      return;
    }
    let raw: string;
    try {
      raw = await readBody(req, this.config.ADMISSION_WEBHOOK_MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) fail('VALIDATION_FAILED', `an AdmissionReview is at most ${this.config.ADMISSION_WEBHOOK_MAX_BODY_BYTES} bytes`, 413);
      else fail('VALIDATION_FAILED', 'the request body could not be read');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      fail('VALIDATION_FAILED', 'the body is not JSON (expected an admission.k8s.io/v1 AdmissionReview)');
      return;
    }
    const refuse = (message: string): void => {
      const uid = uidOf(json);
      if (uid) send(200, reviewResponse(deny(uid, [{ code: 'MALFORMED_WORKLOAD', message }], httpStatusOf('VALIDATION_FAILED'))));
      else fail('VALIDATION_FAILED', message);
    };
    try {
      // Nesting no code of ours can walk (a RangeError deep in a review), lone surrogates, NUL, `__proto__`.
      checkJsonValue(json, 'the AdmissionReview', MAX_REVIEW_DEPTH);
    } catch (error) {
      refuse(error instanceof Error ? error.message : String(error));
      return;
    }
    const parsed = admissionReviewSchema.safeParse(json);
    if (!parsed.success) {
      refuse(`not an admission.k8s.io/v1 AdmissionReview: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      return;
    }
    send(200, reviewResponse(await this.decide(parsed.data.request)));
  }

  private async decide(request: AdmissionReviewRequest): Promise<AdmissionResponse> {
    const { uid } = request;
    const action = webhookAction(request);
    if (action.action === 'pass') return allow(uid);
    const subject = subjectOf(request.userInfo);
    if (!subject) {
      // No subject to name in a denial event (the contract needs one): refused, logged, not published.
      this.logger.warn(`review ${uid}: the Kubernetes user name ${JSON.stringify(request.userInfo.username)} is not an identifier`);
      return deny(
        uid,
        [{ code: 'INVALID_ANNOTATION', message: `the Kubernetes user name ${JSON.stringify(request.userInfo.username)} is not an identifier authz knows` }],
        httpStatusOf('VALIDATION_FAILED'),
      );
    }
    const input: ReviewInput = {
      workload: action.object,
      target: { namespace: request.namespace ?? '' },
      subject,
      dataVolumes: undefined,
      workloadId: undefined,
      dryRun: request.dryRun,
      via: 'webhook',
      requestId: uid,
      atLeast: undefined,
    };
    try {
      const outcome =
        action.action === 'review'
          ? await this.reviews.review(input)
          : action.action === 'guard'
            ? await this.reviews.guard(input, action.before)
            : await this.reviews.refuse(input, action.reasons);
      if (!outcome.requested || outcome.allowed) return allow(uid, outcome.patch);
      return deny(uid, outcome.reasons, httpStatusOf(outcome.reasons.every((r) => r.code === 'INVALID_ANNOTATION') ? 'VALIDATION_FAILED' : 'FORBIDDEN'));
    } catch (error) {
      // Fail closed: authz or JetStream did not answer, so the object is not admitted.
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`review ${uid} failed: ${message}`);
      return deny(uid, [{ code: 'REVIEW_FAILED', message: `the review could not be completed: ${message}` }], httpStatusOf('UNAVAILABLE'));
    }
  }
}

function uidOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const request = (json as Record<string, unknown>)['request'];
  if (typeof request !== 'object' || request === null) return undefined;
  const uid = (request as Record<string, unknown>)['uid'];
  return typeof uid === 'string' && uid.length > 0 && uid.length <= 128 ? uid : undefined;
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    // Keep draining past the limit (so the answer reaches the client) but keep nothing.
    if (size <= max) chunks.push(buffer);
  }
  if (size > max) throw new BodyTooLarge();
  return Buffer.concat(chunks).toString('utf8');
}
