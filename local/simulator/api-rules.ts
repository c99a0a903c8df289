/**
 * iDenfy's request rules as the simulator enforces them (docs/idenfy-api.md §2.1, §2.3, §9.1): its error
 * shape, the token request's fields and their limits, and how a body must be encoded. Pure.
 */

/** An iDenfy error answer: its HTTP status and `{ identifier, message }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly identifier: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TOKEN_TYPES = [
  'IDENTIFICATION',
  'DOCUMENT',
  'VIDEO_CALL',
  'VIDEO_CALL_PHOTOS',
  'VIDEO_CALL_IDENTIFICATION',
];
const NAME_FORBIDDEN = /[0-9~!@#$%^*()_+={}[\]|:;",<>/?]/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** iDenfy's token field validation (docs/idenfy-api.md §2.1, §9.1), with its error identifiers. */
export function validateTokenRequest(input: Record<string, unknown>): Record<string, unknown> {
  const bad = (field: string, why: string) => new ApiError(400, 'BAD_VALUE', `Field '${field}' ${why}.`);
  const clientId = input.clientId ?? input.personScanRef;
  if (clientId === undefined || clientId === null || clientId === '') {
    throw new ApiError(400, 'MISSING_VALUE', "Field 'clientId' is required.");
  }
  if (typeof clientId !== 'string' || clientId.length > 100 || !/^[\x20-\x7E]+$/.test(clientId)) {
    throw bad('clientId', 'must be at most 100 ASCII characters');
  }
  const out: Record<string, unknown> = {
    clientId,
    firstName: null,
    lastName: null,
    successUrl: null,
    errorUrl: null,
    unverifiedUrl: null,
    callbackUrl: null,
    locale: 'en',
    country: null,
    expiryTime: 3600,
    sessionLength: 600,
    documents: ['ID_CARD', 'PASSPORT', 'DRIVER_LICENSE', 'RESIDENCE_PERMIT'],
    dateOfBirth: null,
    dateOfExpiry: null,
    dateOfIssue: null,
    nationality: null,
    personalNumber: null,
    documentNumber: null,
    sex: null,
    address: null,
    showInstructions: true,
    tokenType: 'IDENTIFICATION',
    utilityBill: null,
    additionalSteps: null,
    externalRef: null,
  };
  for (const [k, v] of Object.entries(input)) if (k !== 'dummyStatus' && k !== 'personScanRef') out[k] = v;
  out.clientId = clientId;
  for (const field of ['firstName', 'lastName'] as const) {
    const v = input[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length < 1 || v.length > 100 || NAME_FORBIDDEN.test(v)) {
      throw bad(field, 'must be 1-100 characters without digits or special symbols');
    }
    out[field] = v.toUpperCase();
  }
  for (const field of ['dateOfBirth', 'dateOfExpiry', 'dateOfIssue'] as const) {
    const v = input[field];
    if (v != null && (typeof v !== 'string' || !DATE.test(v))) throw bad(field, 'must be a date YYYY-MM-DD');
  }
  for (const field of ['successUrl', 'errorUrl', 'unverifiedUrl', 'callbackUrl'] as const) {
    const v = input[field];
    if (v == null) continue;
    if (typeof v !== 'string' || v.length < 5 || v.length > 2048 || !URL.canParse(v))
      throw bad(field, 'must be a valid URL');
  }
  if (input.sex != null && input.sex !== 'M' && input.sex !== 'F') throw bad('sex', "must be 'M' or 'F'");
  if (input.externalRef != null && (typeof input.externalRef !== 'string' || input.externalRef.length > 40)) {
    throw bad('externalRef', 'must be at most 40 characters');
  }
  if (input.locale != null && (typeof input.locale !== 'string' || input.locale.length > 7)) {
    throw bad('locale', 'must be at most 7 characters');
  }
  const expiry = input.expiryTime;
  if (
    expiry != null &&
    (!Number.isInteger(expiry) || (expiry as number) < 0 || (expiry as number) > 2_592_000)
  ) {
    throw bad('expiryTime', 'must be an integer from 0 to 2592000');
  }
  const length = input.sessionLength;
  if (length != null && (!Number.isInteger(length) || (length as number) < 60 || (length as number) > 3600)) {
    throw bad('sessionLength', 'must be an integer from 60 to 3600');
  }
  if (input.tokenType != null && !TOKEN_TYPES.includes(String(input.tokenType))) {
    throw bad('tokenType', `must be one of ${TOKEN_TYPES.join(', ')}`);
  }
  if (
    input.documents != null &&
    (!Array.isArray(input.documents) || !input.documents.every((d) => typeof d === 'string'))
  ) {
    throw bad('documents', 'must be a list of document types');
  }
  if (typeof input.nationality === 'string') out.nationality = input.nationality.toUpperCase();
  return out;
}

/** A JSON object body, or iDenfy's ENCODING_ERROR / JSON_ERROR. */
export function parseJson(body: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ApiError(400, 'ENCODING_ERROR', 'Request body is not valid UTF-8.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'JSON_ERROR', 'Request body is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'JSON_ERROR', 'Request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
