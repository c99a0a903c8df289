import { allowList } from '../../functions/shared/ip-allow-list';

describe('webhook source allow-list', () => {
  it('allows everyone when empty', () => {
    expect(allowList([])('203.0.113.9')).toBe(true);
  });

  it('matches addresses and CIDR ranges, IPv4 and IPv6', () => {
    const allowed = allowList(['198.51.100.7', '203.0.113.0/24', '2001:db8::/32']);
    expect(allowed('198.51.100.7')).toBe(true);
    expect(allowed('198.51.100.8')).toBe(false);
    expect(allowed('203.0.113.200')).toBe(true);
    expect(allowed('203.0.114.1')).toBe(false);
    expect(allowed('2001:db8::1')).toBe(true);
    expect(allowed('2001:db9::1')).toBe(false);
    expect(allowed(undefined)).toBe(false);
    expect(allowed('not-an-ip')).toBe(false);
  });

  it.each(['example.com', '10.0.0.0/abc', '300.1.1.1'])('refuses the entry %s', (entry) => {
    expect(() => allowList([entry])).toThrow(entry);
  });
});
