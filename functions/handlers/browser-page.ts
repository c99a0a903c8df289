/**
 * The continue link is opened by a person's browser, not by a program: when it fails, the person gets
 * a small page that says what happened and what to do (try the same link again, or go back to the
 * application), never a JSON body.
 */
import { Failure, type FailureKind } from '../app/errors';
import { ANSWERS, errorResult, type HttpResult } from './http';

const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SAYS: Partial<Record<FailureKind, { title: string; text: string; retry: boolean }>> = {
  BUSY: { title: 'One moment', text: 'Your next step is being prepared.', retry: true },
  PROVIDER_REFUSED: {
    title: 'The identity service did not answer',
    text: 'We could not reach the identity verification service just now.',
    retry: true,
  },
  PROVIDER_UNAVAILABLE: {
    title: 'The identity service is busy',
    text: 'The identity verification service is busy right now.',
    retry: true,
  },
  LINK_EXPIRED: {
    title: 'This link has expired',
    text: 'Go back to the application that sent you here and start the verification again.',
    retry: false,
  },
  INVALID_LINK: {
    title: 'This link is not valid',
    text: 'It may have been changed or cut short. Go back to the application that sent you here.',
    retry: false,
  },
  INVALID_INPUT: {
    title: 'This link is not valid',
    text: 'It may have been changed or cut short. Go back to the application that sent you here.',
    retry: false,
  },
  NOT_FOUND: {
    title: 'Verification not found',
    text: 'Go back to the application that sent you here and start the verification again.',
    retry: false,
  },
};

/** A failure of a browser route as a page (same status as the API would answer); a 500 as a page too. */
export function browserErrorPage(err: unknown, retryUrl: string): HttpResult {
  const known = err instanceof Failure ? SAYS[err.kind] : undefined;
  const status = err instanceof Failure ? ANSWERS[err.kind].status : (errorResult(err).statusCode ?? 500);
  const say = known ?? { title: 'Something went wrong', text: 'Please try again in a moment.', retry: true };
  const retryAfter = err instanceof Failure ? err.extra.retryAfterSeconds : undefined;
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(say.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
a.button{display:inline-block;padding:.6rem 1.2rem;background:#0b57d0;color:#fff;border-radius:.4rem;text-decoration:none}</style>
</head><body><main>
<h1>${escapeHtml(say.title)}</h1>
<p role="alert">${escapeHtml(say.text)}</p>
${say.retry ? `<p><a class="button" href="${escapeHtml(retryUrl)}">Try again</a></p>` : ''}
</main></body></html>`;
  return {
    statusCode: status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
    },
    body,
  };
}
