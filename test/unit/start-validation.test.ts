import { zodErrorResult } from '../../functions/handlers/http';
import { startVerificationSchema } from '../../functions/shared/schemas';

function errorFor(body: unknown): { status: number; message: string; fields: string[] } {
  const parsed = startVerificationSchema.safeParse(body);
  if (parsed.success) throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  const result = zodErrorResult(parsed.error);
  const payload = JSON.parse(String(result.body)) as {
    error: { message: string; details: { field: string }[] };
  };
  return {
    status: result.statusCode ?? 0,
    message: payload.error.message,
    fields: payload.error.details.map((d) => d.field),
  };
}

describe('POST /verifications validation (docs/architecture.md §2)', () => {
  it('accepts a minimal body (an absent method is TWO_SESSIONS, applied at start)', () => {
    expect(startVerificationSchema.parse({ clientId: 'user-1' })).toEqual({ clientId: 'user-1' });
  });

  it('accepts a full body', () => {
    const body = {
      clientId: 'USER_12345',
      firstName: 'José María',
      lastName: "O'Brien-Łukasz",
      dateOfBirth: '1990-05-15',
      method: 'ADDITIONAL_STEP',
      documentTypes: ['RESIDENCE_PERMIT', 'WORK_PERMIT'],
      successUrl: 'https://client.example/ok',
      errorUrl: 'https://client.example/fail',
      unverifiedUrl: 'http://localhost:8080/review',
      locale: 'en-GB',
    };
    expect(startVerificationSchema.parse(body)).toEqual(body);
  });

  it.each([
    [{}, 'clientId'],
    [{ clientId: '' }, 'clientId'],
    [{ clientId: 'has space' }, 'clientId'],
    [{ clientId: 'x'.repeat(101) }, 'clientId'],
    [{ clientId: 'ünïcode' }, 'clientId'],
    [{ clientId: 42 }, 'clientId'],
    [{ clientId: 'a', firstName: 'J0hn' }, 'firstName'],
    [{ clientId: 'a', firstName: '' }, 'firstName'],
    [{ clientId: 'a', lastName: 'Smith!' }, 'lastName'],
    [{ clientId: 'a', lastName: 'x'.repeat(101) }, 'lastName'],
    [{ clientId: 'a', dateOfBirth: '15.05.1990' }, 'dateOfBirth'],
    [{ clientId: 'a', dateOfBirth: '1990-13-01' }, 'dateOfBirth'],
    [{ clientId: 'a', method: 'THREE_SESSIONS' }, 'method'],
    [{ clientId: 'a', documentTypes: [] }, 'documentTypes'],
    [{ clientId: 'a', documentTypes: ['LIBRARY_CARD'] }, 'documentTypes.0'],
    [{ clientId: 'a', successUrl: 'not a url' }, 'successUrl'],
    [{ clientId: 'a', errorUrl: 'javascript:alert(1)' }, 'errorUrl'],
    [{ clientId: 'a', unverifiedUrl: `https://x.example/${'a'.repeat(2050)}` }, 'unverifiedUrl'],
    [{ clientId: 'a', locale: 'english' }, 'locale'],
    [{ clientId: 'a', tokenType: 'DOCUMENT' }, '(body)'],
  ])('%j → 400 naming %s', (body, field) => {
    const { status, message, fields } = errorFor(body);
    expect(status).toBe(400);
    expect(fields).toContain(field);
    expect(message).toContain(field === '(body)' ? 'tokenType' : `${field}:`);
  });

  it('never echoes a stack trace', () => {
    expect(errorFor({ clientId: 'a b' }).message).not.toMatch(/at .*\.ts:\d+/);
  });
});
