/**
 * The failures a use case (or an edge check) can report, in the product's words. Nothing here knows
 * HTTP: the HTTP layer answers each kind with one status and code, in one table (`handlers/http.ts`).
 */
export type FailureKind =
  /** The caller's input is not acceptable; the message names the field. */
  | 'INVALID_INPUT'
  /** A webhook whose signature is missing or does not match its body. */
  | 'INVALID_SIGNATURE'
  /** A continue link that was forged, edited or belongs to another verification. */
  | 'INVALID_LINK'
  | 'LINK_EXPIRED'
  /** A caller that may not make this request at all (a webhook from outside the allow-list). */
  | 'NOT_ALLOWED'
  | 'NOT_FOUND'
  /** The verification is not in a state that allows this (a review of a PENDING one). */
  | 'INVALID_STATE'
  /** A concurrent request holds the slot: retry shortly. */
  | 'BUSY'
  /** The verification changed between the caller's read and its write: look again before deciding. */
  | 'CHANGED'
  /** A repeated start claims someone else than the verification already pending for its client. */
  | 'CLAIM_DIFFERS'
  /** The second approval of a risky review came from the reviewer who gave the first. */
  | 'SAME_REVIEWER'
  /** A body in a media type the route does not take. */
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_LARGE'
  /** Our own store or queue failed for longer than a request can wait: retry shortly, nothing is lost. */
  | 'UNAVAILABLE'
  /** iDenfy failed, refused or timed out. */
  | 'PROVIDER_REFUSED'
  /** iDenfy throttled us. */
  | 'PROVIDER_UNAVAILABLE';

export class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly extra: { retryAfterSeconds?: number; details?: unknown } = {},
  ) {
    super(message);
    this.name = 'Failure';
  }
}

/** iDenfy answered with an error or could not be reached; `identifier` is iDenfy's (or ours: TIMEOUT…). */
export class IdenfyError extends Failure {
  constructor(
    kind: 'PROVIDER_REFUSED' | 'PROVIDER_UNAVAILABLE',
    readonly identifier: string,
    message: string,
    retryAfterSeconds?: number,
  ) {
    super(kind, `iDenfy: ${message}`, { retryAfterSeconds });
    this.name = 'IdenfyError';
  }
}

export const invalidInput = (message: string, details?: unknown) =>
  new Failure('INVALID_INPUT', message, { details });
export const notFound = (what: string) => new Failure('NOT_FOUND', `${what} not found`);
export const invalidState = (message: string) => new Failure('INVALID_STATE', message);
/** Another request is doing this right now; its result will be there in a moment. */
export const busy = (message: string) => new Failure('BUSY', message, { retryAfterSeconds: 1 });
/**
 * Something changed meanwhile that the caller should see before acting again (a review racing a late
 * result): 409 with Retry-After, under its own code so that no client repeats the request blindly.
 */
/** A store that failed for longer than we retried: the work so far is kept for the retry (Retry-After). */
export const unavailable = (message: string) => new Failure('UNAVAILABLE', message, { retryAfterSeconds: 1 });
export const changed = (message: string) => new Failure('CHANGED', message, { retryAfterSeconds: 1 });
