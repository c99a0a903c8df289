/** Builds iDenfy IdentificationWebhook bodies (API-FACTS §4.2–§4.7) for a simulated session. */
import type { SimSession } from './simulator';

export interface CompleteRequest {
  overall?: 'APPROVED' | 'DENIED' | 'SUSPECTED' | 'EXPIRED';
  /** Fields of the webhook `data` object to override. */
  data?: Record<string, unknown>;
  manualReview?: boolean;
  fraudTags?: string[];
  mismatchTags?: string[];
  additionalSteps?: Record<string, string>;
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

/** A plausible person consistent with the token's claimed data (the same for every session of a clientId). */
export function defaultData(session: SimSession): Record<string, unknown> {
  const r = session.request;
  const firstName = str(r.firstName) ?? 'JOHN';
  const lastName = str(r.lastName) ?? 'SAMPLE';
  const isDocumentSession = session.tokenType === 'DOCUMENT';
  const documents = Array.isArray(r.documents) ? (r.documents as string[]) : [];
  const docType = isDocumentSession ? (documents[0] ?? 'RESIDENCE_PERMIT') : 'ID_CARD';
  const expiry = new Date(Date.now() + 3 * 365 * 86_400_000).toISOString().slice(0, 10);
  return {
    docFirstName: firstName,
    docLastName: lastName,
    docNumber: isDocumentSession ? 'RP1234567' : 'ID7654321',
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

export function buildWebhook(session: SimSession, req: CompleteRequest, final: boolean, manual: boolean) {
  const overall = req.overall ?? 'APPROVED';
  const expired = overall === 'EXPIRED';
  const now = Math.floor(Date.now() / 1000);
  const data = expired ? nullData(defaultData(session)) : { ...defaultData(session), ...(req.data ?? {}) };
  const suspectedTags = overall === 'SUSPECTED' && !req.fraudTags?.length && !req.mismatchTags?.length;
  return {
    final,
    platform: expired ? 'OTHER' : 'PC',
    status: {
      overall,
      // SUSPECTED never comes without a tag (API-FACTS §4.3).
      fraudTags: req.fraudTags ?? [],
      mismatchTags: suspectedTags ? ['NAME'] : (req.mismatchTags ?? []),
      autoFace: FACE[overall],
      manualFace: manual ? FACE[overall] : null,
      autoDocument: DOC[overall],
      manualDocument: manual ? DOC[overall] : null,
      additionalSteps: req.additionalSteps ? 'VALID' : null,
    },
    data,
    fileUrls: expired
      ? {}
      : {
          FRONT: `https://simulator.invalid/files/${session.scanRef}/FRONT.png`,
          BACK: `https://simulator.invalid/files/${session.scanRef}/BACK.png`,
          FACE: `https://simulator.invalid/files/${session.scanRef}/FACE.png`,
          ...Object.fromEntries(
            Object.keys(req.additionalSteps ?? {}).map((k) => [
              k,
              `https://simulator.invalid/files/${session.scanRef}/${k}.png`,
            ]),
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
    additionalSteps: req.additionalSteps ?? null,
  };
}

function nullData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(data).map((k) => [k, k === 'manuallyDataChanged' ? false : null]));
}
