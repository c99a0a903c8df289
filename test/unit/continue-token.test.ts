import { createHmac } from 'node:crypto';
import { checkContinueToken, signContinueToken } from '../../functions/shared/continue-token';

const KEY = 'k'.repeat(48);
const NOW = new Date('2026-01-01T00:00:00Z');
const LATER = new Date('2026-01-01T01:00:00Z');

describe('continue token', () => {
  const token = signContinueToken(KEY, 'verification-a', 'error', LATER);

  it('is valid for its verification and outcome until it expires', () => {
    expect(checkContinueToken(KEY, 'verification-a', 'error', token, NOW)).toBe('valid');
    expect(checkContinueToken(KEY, 'verification-a', 'error', token, new Date(LATER.getTime() + 1000))).toBe(
      'expired',
    );
  });

  it('is bound to one verification, one outcome and one key', () => {
    expect(checkContinueToken(KEY, 'verification-b', 'error', token, NOW)).toBe('invalid');
    // The attack: the error link, edited to say success while iDenfy's denial is on its way.
    expect(checkContinueToken(KEY, 'verification-a', 'success', token, NOW)).toBe('invalid');
    expect(checkContinueToken(KEY, 'verification-a', undefined, token, NOW)).toBe('invalid');
    expect(checkContinueToken('x'.repeat(48), 'verification-a', 'error', token, NOW)).toBe('invalid');
  });

  it('cannot be extended by editing its expiry', () => {
    const [, sig] = token.split('.');
    const extended = `${Math.floor(LATER.getTime() / 1000) + 86_400}.${sig}`;
    expect(checkContinueToken(KEY, 'verification-a', 'error', extended, NOW)).toBe('invalid');
  });

  it('refuses a link signed without its outcome (it would let an error link say success)', () => {
    const exp = Math.floor(LATER.getTime() / 1000);
    const sign = (msg: string) => `${exp}.${createHmac('sha256', KEY).update(msg).digest('base64url')}`;
    // The recipe the test signs with is the real one: with the outcome, it is valid.
    expect(
      checkContinueToken(
        KEY,
        'verification-a',
        'success',
        sign(`continue:verification-a:success:${exp}`),
        NOW,
      ),
    ).toBe('valid');
    expect(
      checkContinueToken(KEY, 'verification-a', 'success', sign(`continue:verification-a:${exp}`), NOW),
    ).toBe('invalid');
  });

  it.each([undefined, '', 'abc', '1.', '.abc', `${token}x`])('refuses malformed %p', (t) => {
    expect(checkContinueToken(KEY, 'verification-a', 'error', t, NOW)).toBe('invalid');
  });
});
