/** Errors that map to a precise HTTP answer. Anything else is a 500 with no details. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new HttpError(400, 'VALIDATION_ERROR', message, {}, details);
export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const forbidden = (message: string) => new HttpError(403, 'FORBIDDEN', message);

/** iDenfy answered with an error or could not be reached: the caller may retry later. */
export class IdenfyError extends Error {
  constructor(
    /** 502: iDenfy failed, refused or timed out; 503: iDenfy throttled. */
    readonly statusCode: 502 | 503,
    readonly identifier: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'IdenfyError';
  }
}
