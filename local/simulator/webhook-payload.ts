/** Builds iDenfy IdentificationWebhook bodies (docs/idenfy-api.md §4.2–§4.7) for a simulated session. */
import { createHash } from 'node:crypto';

/** What a webhook body is built from: the facts of one simulated session (simulator.ts's SimSession has them). */
export interface SessionFacts {
  scanRef: string;
  clientId: string;
  tokenType: string;
  externalRef: string | null;
  /** The token request as iDenfy echoed it. */
  request: Record<string, unknown>;
  /** The second document's session (decides the default data). */
  secondDocument: boolean;
}

export interface CompleteRequest {
  overall?: 'APPROVED' | 'DENIED' | 'SUSPECTED' | 'EXPIRED';
  /** Fields of the webhook `data` object to override. */
  data?: Record<string, unknown>;
  manualReview?: boolean;
  fraudTags?: string[];
  mismatchTags?: string[];
  /** Step name → type; defaults to the steps of the token's `additionalSteps` configuration. */
  additionalSteps?: Record<string, string>;
  /** iDenfy's verdict on the step(s) (`status.additionalSteps`); VALID when the session has steps. */
  additionalStepStatus?: 'VALID' | 'INVALID' | 'NOT_FOUND';
  /** iDenfy's face verdict (`autoFace`, and `manualFace` with manual review); by default FACE_MATCH for an
   *  IDENTIFICATION session that is not denied, FACE_NOT_CHECKED for a DOCUMENT session (no selfie). */
  face?: string;
  /** false: record the result but hold its webhook back until /deliver (default true). */
  deliver?: boolean;
}

export type WebhookPayload = ReturnType<typeof buildWebhook>;

const FACE = {
  APPROVED: 'FACE_MATCH',
  SUSPECTED: 'FACE_MATCH',
  DENIED: 'FACE_MISMATCH',
  EXPIRED: null,
} as const;
const DOC = {
  APPROVED: 'DOC_VALIDATED',
  SUSPECTED: 'DOC_VALIDATED',
  DENIED: 'DOC_NOT_FOUND',
  EXPIRED: null,
} as const;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/**
 * Unique per client and per session role (docs/architecture.md §6): two clients never share a default document and a
 * client's identity document and second document differ, so only a test that sets `docNumber` on
 * purpose shows one document twice.
 */
export function defaultDocumentNumber(clientId: string, isDocumentSession: boolean): string {
  const digest = createHash('sha256')
    .update(`${isDocumentSession ? 'DOCUMENT' : 'IDENTITY'}|${clientId}`)
    .digest('hex');
  return `${isDocumentSession ? 'RP' : 'ID'}${digest.slice(0, 9).toUpperCase()}`;
}

/** A plausible person consistent with the token's claimed data (the same for every session of a clientId). */
export function defaultData(session: SessionFacts): Record<string, unknown> {
  const r = session.request;
  const firstName = str(r.firstName) ?? 'JOHN';
  const lastName = str(r.lastName) ?? 'SAMPLE';
  const isDocumentSession = session.secondDocument;
  const documents = Array.isArray(r.documents) ? (r.documents as string[]) : [];
  // The identity session reads an ID card where the token allows one (iDenfy's own default list does).
  const docType = isDocumentSession
    ? (documents[0] ?? 'RESIDENCE_PERMIT')
    : documents.length === 0 || documents.includes('ID_CARD')
      ? 'ID_CARD'
      : documents[0];
  const expiry = new Date(Date.now() + 3 * 365 * 86_400_000).toISOString().slice(0, 10);
  return {
    docFirstName: firstName,
    docLastName: lastName,
    docNumber: defaultDocumentNumber(String(r.clientId ?? ''), isDocumentSession),
    docPersonalCode: null,
    docExpiry: expiry,
    docDob: str(r.dateOfBirth) ?? '1990-01-01',
    docDateOfIssue: '2022-01-01',
    docType,
    docSex: 'UNDEFINED',
    docNationality: 'LT',
    docIssuingCountry: isDocumentSession ? 'DE' : 'LT',
    docTemporaryAddress: null,
    docBirthName: null,
    docPatronymic: null,
    birthPlace: null,
    authority: null,
    address: null,
    fullName: `${firstName} ${lastName}`,
    selectedCountry: isDocumentSession ? 'DE' : 'LT',
    mothersMaidenName: null,
    driverLicenseCategory: null,
    manuallyDataChanged: false,
    orgFirstName: firstName,
    orgLastName: lastName,
    orgNationality: null,
    orgBirthPlace: null,
    orgAuthority: null,
    orgAddress: null,
    orgTemporaryAddress: null,
    orgMothersMaidenName: null,
    orgPatronymic: null,
    orgBirthName: null,
    ageEstimate: 'OVER_25',
    clientIpProxyRiskLevel: 'LOW',
    duplicateFaces: null,
    duplicateDocFaces: null,
    additionalData: null,
  };
}

/** Step name → type from a token's additionalSteps (`{country: {docType: {STEP: {type}}}}`, docs/idenfy-api.md §6). */
export function configuredSteps(config: unknown): Record<string, string> | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const steps: Record<string, string> = {};
  for (const byDocType of Object.values(config as Record<string, unknown>)) {
    if (!byDocType || typeof byDocType !== 'object') continue;
    for (const byStep of Object.values(byDocType as Record<string, unknown>)) {
      if (!byStep || typeof byStep !== 'object') continue;
      for (const [name, step] of Object.entries(byStep as Record<string, { type?: unknown }>)) {
        steps[name] = typeof step?.type === 'string' ? step.type : 'UPLOAD';
      }
    }
  }
  return Object.keys(steps).length > 0 ? steps : undefined;
}

export function buildWebhook(session: SessionFacts, req: CompleteRequest, final: boolean, manual: boolean) {
  const overall = req.overall ?? 'APPROVED';
  const steps = req.additionalSteps ?? configuredSteps(session.request.additionalSteps);
  const stepStatus = req.additionalStepStatus ?? (steps ? 'VALID' : null);
  // Nothing uploaded: no file under the step's key.
  const uploaded = stepStatus === 'NOT_FOUND' ? [] : Object.keys(steps ?? {});
  const expired = overall === 'EXPIRED';
  const now = Math.floor(Date.now() / 1000);
  const data = expired ? nullData(defaultData(session)) : { ...defaultData(session), ...(req.data ?? {}) };
  const face = expired
    ? null
    : (req.face ?? (session.tokenType === 'DOCUMENT' ? 'FACE_NOT_CHECKED' : FACE[overall]));
  const suspectedTags = overall === 'SUSPECTED' && !req.fraudTags?.length && !req.mismatchTags?.length;
  return {
    final,
    platform: expired ? 'OTHER' : 'PC',
    status: {
      overall,
      // SUSPECTED never comes without a tag (docs/idenfy-api.md §4.3).
      fraudTags: req.fraudTags ?? [],
      mismatchTags: suspectedTags ? ['NAME'] : (req.mismatchTags ?? []),
      autoFace: face,
      manualFace: manual ? face : null,
      autoDocument: DOC[overall],
      manualDocument: manual ? DOC[overall] : null,
      additionalSteps: expiredOr(overall, stepStatus),
    },
    data,
    fileUrls: expired
      ? {}
      : {
          FRONT: `https://simulator.invalid/files/${session.scanRef}/FRONT.png`,
          BACK: `https://simulator.invalid/files/${session.scanRef}/BACK.png`,
          FACE: `https://simulator.invalid/files/${session.scanRef}/FACE.png`,
          ...Object.fromEntries(
            uploaded.map((k) => [k, `https://simulator.invalid/files/${session.scanRef}/${k}.png`]),
          ),
        },
    additionalStepPdfUrls: {},
    AML: null,
    amlCheck: null,
    LID: null,
    CRIMINAL_CHECK: null,
    scanRef: session.scanRef,
    externalRef: session.externalRef,
    clientId: session.clientId,
    companyId: null,
    beneficiaryId: null,
    startTime: expired ? null : now - 60,
    finishTime: expired ? null : now,
    clientIp: expired ? null : '127.0.0.1',
    clientIpCountry: expired ? null : 'LT',
    clientLocation: expired ? null : 'Vilnius, Lithuania',
    gdcMatch: null,
    manualAddress: null,
    manualAddressMatch: false,
    additionalSteps: steps ?? null,
  };
}

function expiredOr<T>(overall: string, value: T): T | null {
  return overall === 'EXPIRED' ? null : value;
}

function nullData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(data).map((k) => [k, k === 'manuallyDataChanged' ? false : null]));
}
