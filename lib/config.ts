/**
 * Deployment configuration: CDK context (`cdk deploy -c key=value` or cdk.json) over these defaults.
 * The configuration table in docs/deploy.md mirrors this file.
 */
import type { Node } from 'constructs';
import { REASON_CODES } from '../functions/domain/types';
import { allowList } from '../functions/shared/ip-allow-list';
import { resolvePlans } from '../functions/shared/plans-config';
import { parsePolicy } from '../functions/shared/policy-config';

export interface MultidocConfig {
  /** iDenfy API base URL (sandbox and production share it; the keys decide). */
  idenfyBaseUrl: string;
  /**
   * `sandbox`: the keys are iDenfy's DEV keys, and a start may ask for a dummy outcome (the smoke test,
   * docs/deploy.md); `production` (default): such a start is refused with 403.
   */
  idenfyEnvironment: 'production' | 'sandbox';
  /** Where users end when the client gives no URL of its own. */
  defaultSuccessUrl: string;
  defaultErrorUrl: string;
  defaultUnverifiedUrl: string;
  /** EventBridge `source` of the published events. */
  eventSource: string;
  /** Second-document types allowed when the start request names none. */
  allowedDocumentTypes: string[];
  /** Types the identity session may read (its token's `documents`, and checked in the decision). */
  identityDocumentTypes: string[];
  /** Days personal data is kept (DynamoDB TTL) even without an erasure request. */
  retentionDays: number;
  /** How long one call to iDenfy may take, in milliseconds (each of up to three attempts). */
  idenfyTimeoutMs: number;
  /** iDenfy token lifetime (`expiryTime`) in seconds. */
  tokenExpirySeconds: number;
  /** `just-in-time` (default): the document session is created at the continue link; `upfront`: at start. */
  documentSessionMode: 'just-in-time' | 'upfront';
  /** The second session also takes a selfie matched to the second document's portrait (an `IDENTIFICATION` token). */
  documentSessionFaceCheck: boolean;
  /** Public base URL of the API when served behind a custom domain (otherwise derived per request). */
  publicBaseUrl?: string;
  /** Largest webhook body accepted, in bytes. */
  webhookMaxBytes: number;
  /** Receives of a work message before it moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** iDenfy's webhook source addresses (IPs/CIDRs, comma-separated); empty = any (the HMAC still applies). */
  webhookAllowedIps?: string;
  /** Who may call the client routes: `iam` (SigV4, default) or `jwt` (an OIDC issuer's tokens). */
  clientAuth: 'iam' | 'jwt';
  /** With clientAuth=jwt: the issuer URL and the accepted audiences (comma-separated). */
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Days before a verified second document's expiry to publish `Verification Document Expiring`. */
  expiringNoticeDays: number;
  /** `powertools` bundles the Powertools Tracer (SDK subsegments; ~+44 ms cold start); `lambda` (default): Lambda's active tracing only. */
  tracer: 'lambda' | 'powertools';
  /** Minutes between sweeper runs (abandonment, retries, expiring permits). */
  sweepIntervalMinutes: number;
  /** iDenfy additionalSteps object for ADDITIONAL_STEP sessions (JSON, docs/idenfy-api.md §6); the account default when unset. */
  additionalSteps?: string;
  /** The deployment's own verification plans (a JSON array, docs/plans.md); the built-in ones otherwise. */
  plans?: string;
  /** The plan a start that names none (and no method) runs. */
  defaultPlan: string;
  /** Reason codes whose approval needs a second, different reviewer; none by default. */
  secondApprovalReasons: string[];
  /** Decision policy overrides (JSON), e.g. `{"policyVersion":"acme-1","onMismatch":"REJECTED"}`; docs/architecture.md §3 defaults otherwise. */
  decisionPolicy?: string;
  /** With clientAuth=jwt: the scope a client app's token needs (start, get, list, cancel, erase). */
  jwtClientScope: string;
  /** With clientAuth=jwt: the scope a reviewer's token needs (review queue, get, review). */
  jwtReviewerScope: string;
  /** An e-mail address subscribed to the alarm topic (AWS asks it to confirm); unset: subscribe yourself. */
  alarmEmail?: string;
  /** An existing KMS key (ARN) for the table, queues, log groups, secrets and alarm topic (its policy must let CloudWatch, Logs and EventBridge use it: docs/deploy.md). */
  kmsKeyArn?: string;
  /** Create one KMS key (rotated yearly) for all of the above. Default: AWS-managed keys (the alarm topic gets a key of its own). */
  customerManagedKey: boolean;
  /** At most this many comparator invocations at once (the SQS event source's maximum concurrency, 2..1000). */
  comparatorMaxConcurrency: number;
  /** Concurrency reserved for the webhook function (iDenfy's results always find room); unset: none reserved. */
  webhookReservedConcurrency?: number;
  /** Concurrency reserved for the token function; unset: none reserved. */
  tokenReservedConcurrency?: number;
  /**
   * The account's Lambda concurrency quota in this Region (1000 by default; new accounts may start at
   * 10-50): reservations must leave at least 100 unreserved, or Lambda refuses the deployment.
   */
  accountConcurrency: number;
  /**
   * Days the functions' and the API's log groups keep their lines (CloudWatch's allowed values). 365 by
   * default: AWS Control Tower's proactive control CT.CLOUDWATCH.PR.2 asks for a year. They hold no
   * personal data (test/integration/no-pii-in-logs.test.ts).
   */
  logRetentionDays: number;
  /** An existing document-hash key (Secrets Manager ARN), e.g. the one a deleted stack left behind. */
  documentHashKeyArn?: string;
  /** Requests per second (steady, burst) each client or browser route takes before API Gateway answers 429. */
  apiRateLimit: number;
  apiBurstLimit: number;
  /** The webhook route's own limit, apart from client traffic, so a burst of clients never throttles iDenfy. */
  webhookRateLimit: number;
  webhookBurstLimit: number;
}

export const DEFAULT_CONFIG: MultidocConfig = {
  idenfyBaseUrl: 'https://ivs.idenfy.com',
  idenfyEnvironment: 'production',
  defaultSuccessUrl: 'https://ui.idenfy.com/result?status=success',
  defaultErrorUrl: 'https://ui.idenfy.com/result?status=fail',
  defaultUnverifiedUrl: 'https://ui.idenfy.com/result?status=unverified',
  eventSource: 'idenfy.multidoc',
  allowedDocumentTypes: ['RESIDENCE_PERMIT'],
  identityDocumentTypes: ['PASSPORT', 'ID_CARD'],
  retentionDays: 90,
  tokenExpirySeconds: 3600,
  idenfyTimeoutMs: 8000,
  documentSessionMode: 'just-in-time',
  documentSessionFaceCheck: false,
  webhookMaxBytes: 256 * 1024,
  maxReceiveCount: 5,
  clientAuth: 'iam',
  expiringNoticeDays: 30,
  sweepIntervalMinutes: 5,
  tracer: 'lambda',
  jwtClientScope: 'multidoc/client',
  jwtReviewerScope: 'multidoc/reviewer',
  customerManagedKey: false,
  comparatorMaxConcurrency: 20,
  accountConcurrency: 1000,
  logRetentionDays: 365,
  apiRateLimit: 50,
  apiBurstLimit: 100,
  webhookRateLimit: 100,
  webhookBurstLimit: 200,
  defaultPlan: 'two-documents',
  secondApprovalReasons: [],
};

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Keys without a default: absent unless given. */
export const OPTIONAL_KEYS = {
  publicBaseUrl: 'string',
  decisionPolicy: 'json',
  additionalSteps: 'json',
  plans: 'json',
  webhookAllowedIps: 'string',
  jwtIssuer: 'string',
  jwtAudience: 'string',
  alarmEmail: 'string',
  kmsKeyArn: 'string',
  webhookReservedConcurrency: 'number',
  tokenReservedConcurrency: 'number',
  documentHashKeyArn: 'string',
} as const;

/** Reads each key of MultidocConfig from context; lists may be given as comma-separated strings. */
export function configFromContext(node: Node): MultidocConfig {
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of [...Object.keys(DEFAULT_CONFIG), ...Object.keys(OPTIONAL_KEYS)]) {
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined) continue;
    const optional = OPTIONAL_KEYS[key as keyof typeof OPTIONAL_KEYS];
    if (optional === 'json') {
      out[key] = typeof raw === 'string' ? raw : JSON.stringify(raw);
      continue;
    }
    if (optional === 'number') {
      out[key] = Number(raw);
      continue;
    }
    const fallback = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[key];
    if (Array.isArray(fallback))
      out[key] = Array.isArray(raw)
        ? raw
        : String(raw)
            .split(',')
            .map((s) => s.trim());
    else if (typeof fallback === 'number') out[key] = Number(raw);
    else if (typeof fallback === 'boolean')
      out[key] =
        raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : String(raw);
    else out[key] = String(raw);
  }
  return validateConfig(out as unknown as MultidocConfig);
}

export function validateConfig(c: MultidocConfig): MultidocConfig {
  const problems: string[] = [];
  if (!Number.isInteger(c.retentionDays) || c.retentionDays < 1)
    problems.push('retentionDays must be a whole number ≥ 1');
  if (
    !Number.isInteger(c.tokenExpirySeconds) ||
    c.tokenExpirySeconds < 60 ||
    c.tokenExpirySeconds > 2_592_000
  )
    problems.push('tokenExpirySeconds must be 60..2592000 (iDenfy expiryTime)');
  if (!Number.isInteger(c.idenfyTimeoutMs) || c.idenfyTimeoutMs < 100 || c.idenfyTimeoutMs > 9000)
    problems.push(
      'idenfyTimeoutMs must be a whole number 100..9000 (three attempts fit the token function’s 29 s)',
    );
  if (!['production', 'sandbox'].includes(c.idenfyEnvironment))
    problems.push('idenfyEnvironment must be production or sandbox');
  if (!['just-in-time', 'upfront'].includes(c.documentSessionMode))
    problems.push('documentSessionMode must be just-in-time or upfront');
  if (typeof c.documentSessionFaceCheck !== 'boolean')
    problems.push('documentSessionFaceCheck must be true or false');
  if (c.allowedDocumentTypes.length === 0) problems.push('allowedDocumentTypes must name at least one type');
  if (c.identityDocumentTypes.length === 0)
    problems.push('identityDocumentTypes must name at least one type');
  if (c.identityDocumentTypes.some((t) => c.allowedDocumentTypes.includes(t)))
    problems.push(
      'identityDocumentTypes and allowedDocumentTypes must not share a type (one document would count twice)',
    );
  if (!Number.isInteger(c.maxReceiveCount) || c.maxReceiveCount < 1)
    problems.push('maxReceiveCount must be ≥ 1');
  if (!Number.isInteger(c.webhookMaxBytes) || c.webhookMaxBytes < 1024 || c.webhookMaxBytes > 10_485_760)
    problems.push("webhookMaxBytes must be a whole number 1024..10485760 (API Gateway's payload limit)");
  if (!/^[\x21-\x7E]{1,256}$/.test(c.eventSource) || c.eventSource.startsWith('aws.'))
    problems.push(
      'eventSource must be 1-256 printable characters without spaces, not starting with "aws." (EventBridge reserves it)',
    );
  for (const k of [
    'idenfyBaseUrl',
    'defaultSuccessUrl',
    'defaultErrorUrl',
    'defaultUnverifiedUrl',
  ] as const) {
    if (!URL.canParse(c[k])) problems.push(`${k} must be an absolute URL`);
  }
  if (!Number.isInteger(c.expiringNoticeDays) || c.expiringNoticeDays < 1 || c.expiringNoticeDays > 365)
    problems.push('expiringNoticeDays must be a whole number 1..365');
  if (!Number.isInteger(c.sweepIntervalMinutes) || c.sweepIntervalMinutes < 1 || c.sweepIntervalMinutes > 60)
    problems.push('sweepIntervalMinutes must be a whole number 1..60');
  if (c.additionalSteps !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(c.additionalSteps);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      problems.push('additionalSteps must be a JSON object (iDenfy additionalSteps, docs/idenfy-api.md §6)');
  }
  if (!problems.some((p) => p.startsWith('additionalSteps'))) {
    try {
      resolvePlans(c.plans, planBase(c), c.defaultPlan);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const notReasons = c.secondApprovalReasons.filter(
    (r) => r && !(REASON_CODES as readonly string[]).includes(r),
  );
  if (notReasons.length > 0)
    problems.push(
      `secondApprovalReasons: not reason codes: ${notReasons.join(', ')} (docs/decisions.md lists them)`,
    );
  if (!['lambda', 'powertools'].includes(c.tracer)) problems.push('tracer must be lambda or powertools');
  if (!['iam', 'jwt'].includes(c.clientAuth)) problems.push('clientAuth must be iam or jwt');
  if (c.clientAuth === 'jwt' && (!c.jwtIssuer || !URL.canParse(c.jwtIssuer) || !c.jwtAudience)) {
    problems.push('clientAuth=jwt needs jwtIssuer (a URL) and jwtAudience');
  }
  if (c.webhookAllowedIps) {
    try {
      allowList(c.webhookAllowedIps.split(',').map((s) => s.trim()));
    } catch (err) {
      problems.push(`webhookAllowedIps: ${(err as Error).message}`);
    }
  }
  if (c.decisionPolicy !== undefined) {
    try {
      parsePolicy(c.decisionPolicy);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const whole = (v: number | undefined, min: number, max: number) =>
    v === undefined || (Number.isInteger(v) && v >= min && v <= max);
  if (!whole(c.comparatorMaxConcurrency, 2, 1000))
    problems.push(
      'comparatorMaxConcurrency must be a whole number 2..1000 (the SQS event source allows no other)',
    );
  for (const k of ['webhookReservedConcurrency', 'tokenReservedConcurrency'] as const)
    if (!whole(c[k], 1, 10_000)) problems.push(`${k} must be a whole number ≥ 1`);
  if (!LOG_RETENTION_DAYS.includes(c.logRetentionDays))
    problems.push(`logRetentionDays must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(', ')}`);
  if (!whole(c.accountConcurrency, 10, 1_000_000))
    problems.push("accountConcurrency must be a whole number ≥ 10 (the account's Lambda concurrency quota)");
  const reserved = (c.webhookReservedConcurrency ?? 0) + (c.tokenReservedConcurrency ?? 0);
  if (reserved > 0 && reserved > c.accountConcurrency - 100)
    problems.push(
      `webhookReservedConcurrency + tokenReservedConcurrency (${reserved}) must leave at least 100 of accountConcurrency (${c.accountConcurrency}) unreserved, or Lambda refuses the deployment; ask for a higher quota (Service Quotas: Lambda concurrent executions) and set accountConcurrency to it`,
    );
  if (
    c.documentHashKeyArn !== undefined &&
    !/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/.test(
      c.documentHashKeyArn,
    )
  )
    problems.push('documentHashKeyArn must be a complete Secrets Manager secret ARN (ending in -XXXXXX)');
  for (const k of ['apiRateLimit', 'apiBurstLimit', 'webhookRateLimit', 'webhookBurstLimit'] as const)
    if (!whole(c[k], 1, 10_000)) problems.push(`${k} must be a whole number 1..10000 (requests per second)`);
  if (c.kmsKeyArn !== undefined && !/^arn:aws[\w-]*:kms:[\w-]+:\d{12}:key\/[\w-]+$/.test(c.kmsKeyArn))
    problems.push('kmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');
  if (c.kmsKeyArn !== undefined && c.customerManagedKey === true)
    problems.push('give kmsKeyArn (your key) or customerManagedKey=true (a new key), not both');
  if (typeof c.customerManagedKey !== 'boolean') problems.push('customerManagedKey must be true or false');
  if (c.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.alarmEmail))
    problems.push('alarmEmail must be an e-mail address');
  for (const k of ['jwtClientScope', 'jwtReviewerScope'] as const)
    if (!/^[\x21-\x7E]{1,200}$/.test(c[k])) problems.push(`${k} must be a scope name (printable, no spaces)`);
  if (problems.length > 0) throw new Error(`Invalid idenfy-multidoc configuration: ${problems.join('; ')}`);
  return c;
}

/** What the built-in plans are made of. */
export function planBase(c: MultidocConfig) {
  return {
    identityDocumentTypes: c.identityDocumentTypes,
    allowedDocumentTypes: c.allowedDocumentTypes,
    documentSessionFaceCheck: c.documentSessionFaceCheck,
    additionalSteps: c.additionalSteps
      ? (JSON.parse(c.additionalSteps) as Record<string, unknown>)
      : undefined,
  };
}
