import { checkContinueToken, signContinueToken } from '../../functions/shared/continue-token';

const KEY = 'k'.repeat(48);
const NOW = new Date('2026-01-01T00:00:00Z');
const LATER = new Date('2026-01-01T01:00:00Z');

describe('continue token', () => {
  const token = signContinueToken(KEY, 'verification-a', LATER);

  it('is valid for its verification until it expires', () => {
    expect(checkContinueToken(KEY, 'verification-a', token, NOW)).toBe('valid');
    expect(checkContinueToken(KEY, 'verification-a', token, new Date(LATER.getTime() + 1000))).toBe(
      'expired',
    );
  });

  it('is bound to one verification and one key', () => {
    expect(checkContinueToken(KEY, 'verification-b', token, NOW)).toBe('invalid');
    expect(checkContinueToken('x'.repeat(48), 'verification-a', token, NOW)).toBe('invalid');
  });

  it('cannot be extended by editing its expiry', () => {
    const [, sig] = token.split('.');
    const extended = `${Math.floor(LATER.getTime() / 1000) + 86_400}.${sig}`;
    expect(checkContinueToken(KEY, 'verification-a', extended, NOW)).toBe('invalid');
  });

  it.each([undefined, '', 'abc', '1.', '.abc', `${token}x`])('refuses malformed %p', (t) => {
    expect(checkContinueToken(KEY, 'verification-a', t, NOW)).toBe('invalid');
  });
});
