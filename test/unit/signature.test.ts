import { createHmac } from 'node:crypto';
import type { HttpEvent } from '../../functions/handlers/http';
import { rawBody } from '../../functions/handlers/http';
import { isValidSignature, signBody } from '../../functions/shared/signature';

const KEY = 'local-signing-key';
const body = Buffer.from('{"scanRef":"abc","status":{"overall":"APPROVED"}}');
const reference = createHmac('sha256', KEY).update(body).digest('hex');

describe('Idenfy-Signature', () => {
  it('accepts the lowercase hex HMAC-SHA256 of the raw body, as iDenfy computes it', () => {
    expect(signBody(body, KEY)).toBe(reference);
    expect(isValidSignature(body, reference, KEY)).toBe(true);
  });

  it('accepts upper-case hex and surrounding spaces (same bytes)', () => {
    expect(isValidSignature(body, ` ${reference.toUpperCase()} `, KEY)).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['wrong key', createHmac('sha256', 'other').update(body).digest('hex')],
    ['base64 instead of hex', createHmac('sha256', KEY).update(body).digest('base64')],
    ['truncated', reference.slice(0, 63)],
    ['too long', `${reference}00`],
    ['not hex', 'z'.repeat(64)],
    ['sha256= prefix', `sha256=${reference}`],
  ])('refuses a %s signature', (_, header) => {
    expect(isValidSignature(body, header, KEY)).toBe(false);
  });

  it('refuses a valid signature over different bytes (re-serialised JSON)', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(isValidSignature(reserialised, reference, KEY)).toBe(false);
  });

  it('verifies over the decoded bytes of a base64-encoded API Gateway body', () => {
    const event = { body: body.toString('base64'), isBase64Encoded: true } as HttpEvent;
    expect(isValidSignature(rawBody(event), reference, KEY)).toBe(true);
    const plain = { body: body.toString('utf8'), isBase64Encoded: false } as HttpEvent;
    expect(isValidSignature(rawBody(plain), reference, KEY)).toBe(true);
  });
});
