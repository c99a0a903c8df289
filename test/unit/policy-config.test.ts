import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { DEFAULT_POLICY } from '../../functions/domain/policy';
import { parsePolicy } from '../../functions/shared/policy-config';
import { configFromContext, DEFAULT_CONFIG, OPTIONAL_KEYS } from '../../lib/config';

describe('decision policy configuration', () => {
  it('defaults to docs/architecture.md §3 when nothing is configured', () => {
    expect(parsePolicy(undefined)).toBe(DEFAULT_POLICY);
  });

  it('overrides only the keys given, from JSON text or an object', () => {
    expect(parsePolicy('{"policyVersion":"acme-1","onMismatch":"REJECTED"}')).toEqual({
      ...DEFAULT_POLICY,
      policyVersion: 'acme-1',
      onMismatch: 'REJECTED',
    });
    expect(parsePolicy({ policyVersion: 'acme-2', comparedFields: ['lastName'] }).comparedFields).toEqual([
      'lastName',
    ]);
  });

  it.each([
    ['{', 'not valid JSON'],
    ['{"onMismatch":"VERIFIED","policyVersion":"x"}', 'decisionPolicy.onMismatch'],
    ['{"comparedFields":[],"policyVersion":"x"}', 'decisionPolicy.comparedFields'],
    ['{"comparedFields":["nickname"],"policyVersion":"x"}', 'decisionPolicy.comparedFields.0'],
    ['{"autoApprove":true,"policyVersion":"x"}', 'autoApprove'],
    ['{"onPartial":"REJECTED"}', 'decisionPolicy.policyVersion'],
  ])('refuses %s naming %s', (json, field) => {
    expect(() => parsePolicy(json)).toThrow(field);
  });

  it('is checked at synth time through CDK context', () => {
    const app = new App({ context: { decisionPolicy: { onMismatch: 'MAYBE', policyVersion: 'x' } } });
    expect(() => configFromContext(app.node)).toThrow('decisionPolicy.onMismatch');
    const ok = new App({
      context: { decisionPolicy: { onMismatch: 'REJECTED', policyVersion: 'strict-1' } },
    });
    expect(configFromContext(ok.node).decisionPolicy).toBe(
      '{"onMismatch":"REJECTED","policyVersion":"strict-1"}',
    );
  });

  it('refuses a JWT option without issuer and audience, and a bad allow-list entry', () => {
    const app = new App({ context: { clientAuth: 'jwt', webhookAllowedIps: '10.0.0.0/8,nope' } });
    expect(() => configFromContext(app.node)).toThrow(
      /jwtIssuer.*webhookAllowedIps: Not an IP address or CIDR range: nope/,
    );
  });

  it('reads documentSessionFaceCheck as a boolean from context or the command line, and refuses anything else', () => {
    expect(
      configFromContext(new App({ context: { documentSessionFaceCheck: 'true' } }).node)
        .documentSessionFaceCheck,
    ).toBe(true);
    expect(
      configFromContext(new App({ context: { documentSessionFaceCheck: false } }).node)
        .documentSessionFaceCheck,
    ).toBe(false);
    expect(configFromContext(new App().node).documentSessionFaceCheck).toBe(false);
    expect(() => configFromContext(new App({ context: { documentSessionFaceCheck: 'yes' } }).node)).toThrow(
      /documentSessionFaceCheck must be true or false/,
    );
  });

  it('refuses other bad configuration with the key named', () => {
    const app = new App({ context: { retentionDays: '0', documentSessionMode: 'later' } });
    expect(() => configFromContext(app.node)).toThrow(/retentionDays.*documentSessionMode/);
  });

  it('docs/deploy.md documents every configuration key, and only those', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');
    const table = doc.slice(doc.indexOf('## Configuration'));
    const documented = new Set(
      [...table.matchAll(/^\| (.+?) +\|/gm)].flatMap((m) =>
        [...(m[1] ?? '').matchAll(/`(\w+)`/g)].map((k) => k[1]),
      ),
    );
    const keys = [...Object.keys(DEFAULT_CONFIG), ...Object.keys(OPTIONAL_KEYS)];
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
  });
});
