/**
 * Powertools singletons. Logs carry ids and statuses only: never names, dates of birth, document
 * numbers or raw payloads.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'idenfy-multidoc' });

/** Logs a failed request by error class and code only: SDK and zod messages can echo input. */
export function logFailure(routeKey: string, err: unknown, statusCode: number): void {
  const error = safeErrorName(err);
  if (statusCode >= 500) logger.error('request failed', { routeKey, statusCode, error });
  else logger.info('request refused', { routeKey, statusCode, error });
}

export function safeErrorName(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const e = err as Error & { code?: unknown; identifier?: unknown };
  if (typeof e.code === 'string') return `${e.name}:${e.code}`;
  if (typeof e.identifier === 'string') return `${e.name}:${e.identifier}`;
  return e.name;
}
