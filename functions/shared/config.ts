/**
 * Each function's configuration, read from the environment the stack sets (lib/config.ts holds every
 * default: the stack writes every variable, and the runtime requires them). Read once, at cold start,
 * by the composition root: a missing or malformed variable fails the cold start with every problem
 * named, instead of failing each request.
 */
import type { Plan } from '../domain/plans';
import type { DecisionPolicy } from '../domain/policy';
import { REASON_CODES, type ReasonCode } from '../domain/types';
import { resolvePlans } from './plans-config';
import { parsePolicy } from './policy-config';

type Source = Record<string, string | undefined>;

/** Collects every problem, then throws them together. */
class Reader {
  private readonly problems: string[] = [];

  constructor(private readonly source: Source) {}

  text(name: string): string {
    const v = this.source[name];
    if (!v) this.problems.push(`${name} is required`);
    return v ?? '';
  }

  optional(name: string): string | undefined {
    return this.source[name] || undefined;
  }

  integer(name: string, min = 0): number {
    const raw = this.text(name);
    const n = Number(raw);
    if (raw && (!Number.isInteger(n) || n < min))
      this.problems.push(`${name} must be a whole number ≥ ${min}`);
    return n;
  }

  list(name: string): string[] {
    return this.text(name)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.text(name);
    if (v && !values.includes(v as T)) this.problems.push(`${name} must be one of ${values.join(', ')}`);
    return v as T;
  }

  boolean(name: string): boolean {
    return this.oneOf(name, ['true', 'false'] as const) === 'true';
  }

  /** A value parsed by `parse`, which throws with a message when it is malformed. */
  parsed<T>(name: string, parse: (raw: string | undefined) => T): T | undefined {
    try {
      return parse(this.source[name] || undefined);
    } catch (err) {
      this.problems.push(`${name}: ${err instanceof Error ? err.message : 'malformed'}`);
      return undefined;
    }
  }

  done<T>(config: T): T {
    if (this.problems.length) throw new Error(`Configuration: ${this.problems.join('; ')}`);
    return config;
  }
}

function common(r: Reader) {
  return {
    tableName: r.text('TABLE_NAME'),
    retentionDays: r.integer('RETENTION_DAYS', 1),
    /** Days before a verified second document's expiry to publish `Verification Document Expiring`. */
    expiringNoticeDays: r.integer('EXPIRING_NOTICE_DAYS', 1),
  };
}

function events(r: Reader) {
  return { eventBusName: r.text('EVENT_BUS_NAME'), eventSource: r.text('EVENT_SOURCE') };
}

function idenfy(r: Reader) {
  return {
    secretId: r.text('SECRET_ID'),
    idenfyBaseUrl: r.text('IDENFY_BASE_URL').replace(/\/+$/, ''),
    idenfyTimeoutMs: r.integer('IDENFY_TIMEOUT_MS', 1),
  };
}

/** The decision policy: the default unless the deployment overrides it (a malformed one fails init). */
function policy(r: Reader): DecisionPolicy {
  return r.parsed('DECISION_POLICY', parsePolicy) as DecisionPolicy;
}

/** iDenfy's additionalSteps object for ADDITIONAL_STEP sessions (JSON); the account default when unset. */
function additionalSteps(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  const value: unknown = JSON.parse(raw);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('must be a JSON object');
  return value as Record<string, unknown>;
}

/** Reason codes, comma-separated; none when empty. */
function reasonList(raw: string | undefined): ReasonCode[] {
  const codes = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = codes.filter((c) => !(REASON_CODES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`not reason codes: ${unknown.join(', ')}`);
  return codes as ReasonCode[];
}

export function tokenConfig(source: Source = process.env) {
  const r = new Reader(source);
  const base = {
    identityDocumentTypes: r.list('IDENTITY_DOCUMENT_TYPES'),
    allowedDocumentTypes: r.list('ALLOWED_DOCUMENT_TYPES'),
    documentSessionFaceCheck: r.boolean('DOCUMENT_SESSION_FACE_CHECK'),
    additionalSteps: r.parsed('ADDITIONAL_STEPS', additionalSteps),
  };
  const defaultPlan = r.text('DEFAULT_PLAN');
  return r.done({
    ...common(r),
    ...events(r),
    ...idenfy(r),
    policy: policy(r),
    /** Overrides the URL derived from each request (custom domain; plain http locally). */
    publicBaseUrl: r.optional('PUBLIC_BASE_URL'),
    defaultUrls: {
      successUrl: r.text('DEFAULT_SUCCESS_URL'),
      errorUrl: r.text('DEFAULT_ERROR_URL'),
      unverifiedUrl: r.text('DEFAULT_UNVERIFIED_URL'),
    },
    tokenExpirySeconds: r.integer('TOKEN_EXPIRY_SECONDS', 60),
    /** `just-in-time` creates the document session at the continue link; `upfront` at start. */
    documentSessionMode: r.oneOf('DOCUMENT_SESSION_MODE', ['just-in-time', 'upfront'] as const),
    /** Reasons whose approval needs a second, different reviewer (none by default). */
    secondApprovalReasons: r.parsed('SECOND_APPROVAL_REASONS', reasonList) ?? [],
    /** The plans on offer (built-in ones made of the keys above, and the deployment's own), by id. */
    plans: r.parsed('PLANS', (raw) => resolvePlans(raw, base, defaultPlan)) ?? new Map<string, Plan>(),
    defaultPlan,
    /** `sandbox`: iDenfy's DEV keys, so a start may ask for a dummy outcome (the smoke test). */
    idenfyEnvironment: r.oneOf('IDENFY_ENVIRONMENT', ['production', 'sandbox'] as const),
  });
}

export function webhookConfig(source: Source = process.env) {
  const r = new Reader(source);
  return r.done({
    ...common(r),
    secretId: r.text('SECRET_ID'),
    /** The secret holding our own key for document-number hashes (never iDenfy's keys). */
    documentHashSecretId: r.text('DOCUMENT_HASH_SECRET_ID'),
    queueUrl: r.text('QUEUE_URL'),
    webhookMaxBytes: r.integer('WEBHOOK_MAX_BYTES', 1),
    /** iDenfy's source addresses (IPs or CIDRs, comma-separated; iDenfy's support gives them); none = any. */
    webhookAllowedIps: (r.optional('WEBHOOK_ALLOWED_IPS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
}

export function comparatorConfig(source: Source = process.env) {
  const r = new Reader(source);
  return r.done({ ...common(r), ...events(r), policy: policy(r) });
}

export function sweeperConfig(source: Source = process.env) {
  const r = new Reader(source);
  return r.done({ ...common(r), ...events(r), ...idenfy(r), policy: policy(r) });
}

export type TokenConfig = ReturnType<typeof tokenConfig>;
export type WebhookConfig = ReturnType<typeof webhookConfig>;
export type SweeperConfig = ReturnType<typeof sweeperConfig>;
