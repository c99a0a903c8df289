/** Function configuration from the environment the CDK stack (or local mode) sets. Read once per cold start. */
import type { DecisionPolicy } from '../domain/policy';
import { DEFAULT_IDENTITY_DOCUMENT_TYPES } from '../domain/types';
import { parsePolicy } from './policy-config';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Environment variable ${name} must be a whole number`);
  return n;
}

function list(name: string, fallback: string[]): string[] {
  const raw = process.env[name];
  return raw
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : fallback;
}

export const env = {
  tableName: () => required('TABLE_NAME'),
  queueUrl: () => required('QUEUE_URL'),
  eventBusName: () => required('EVENT_BUS_NAME'),
  eventSource: () => process.env.EVENT_SOURCE || 'idenfy.multidoc',
  secretId: () => required('SECRET_ID'),
  idenfyBaseUrl: () => (process.env.IDENFY_BASE_URL || 'https://ivs.idenfy.com').replace(/\/+$/, ''),
  idenfyTimeoutMs: () => integer('IDENFY_TIMEOUT_MS', 8000),
  /** Overrides the URL derived from each request (custom domain; plain http locally). */
  publicBaseUrl: () => process.env.PUBLIC_BASE_URL || undefined,
  defaultUrls: () => ({
    successUrl: process.env.DEFAULT_SUCCESS_URL || 'https://ui.idenfy.com/result?status=success',
    errorUrl: process.env.DEFAULT_ERROR_URL || 'https://ui.idenfy.com/result?status=fail',
    unverifiedUrl: process.env.DEFAULT_UNVERIFIED_URL || 'https://ui.idenfy.com/result?status=unverified',
  }),
  allowedDocumentTypes: () => list('ALLOWED_DOCUMENT_TYPES', ['RESIDENCE_PERMIT']),
  identityDocumentTypes: () => list('IDENTITY_DOCUMENT_TYPES', [...DEFAULT_IDENTITY_DOCUMENT_TYPES]),
  /** The secret holding our own key for document-number hashes (never iDenfy's keys). */
  documentHashSecretId: () => required('DOCUMENT_HASH_SECRET_ID'),
  retentionDays: () => integer('RETENTION_DAYS', 90),
  tokenExpirySeconds: () => integer('TOKEN_EXPIRY_SECONDS', 3600),
  /** `just-in-time` (default) creates the document session at the continue link; `upfront` at start. */
  documentSessionMode: (): 'just-in-time' | 'upfront' =>
    process.env.DOCUMENT_SESSION_MODE === 'upfront' ? 'upfront' : 'just-in-time',
  /** The second session is an IDENTIFICATION session (selfie matched to the second document's portrait). */
  documentSessionFaceCheck: () => process.env.DOCUMENT_SESSION_FACE_CHECK === 'true',
  webhookMaxBytes: () => integer('WEBHOOK_MAX_BYTES', 256 * 1024),
  /** Optional allow-list of iDenfy's source addresses (IPs or CIDRs, comma-separated; iDenfy's support gives them). */
  webhookAllowedIps: () => list('WEBHOOK_ALLOWED_IPS', []),
  policy: (): DecisionPolicy => parsePolicy(process.env.DECISION_POLICY),
  /** Days before a verified second document's expiry to publish `Verification Document Expiring`. */
  expiringNoticeDays: () => integer('EXPIRING_NOTICE_DAYS', 30),
  /** iDenfy's additionalSteps object for ADDITIONAL_STEP sessions (JSON); the account default when unset. */
  additionalSteps: (): Record<string, unknown> | undefined => {
    const raw = process.env.ADDITIONAL_STEPS;
    if (!raw) return undefined;
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('Environment variable ADDITIONAL_STEPS must be a JSON object');
    }
    return value as Record<string, unknown>;
  },
};
