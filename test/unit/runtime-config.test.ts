/** Each function's configuration is read once and fails its cold start naming every bad variable. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { comparatorConfig, sweeperConfig, tokenConfig, webhookConfig } from '../../functions/shared/config';
import { DEFAULT_CONFIG } from '../../lib/config';
import { MultidocStack } from '../../lib/multidoc-stack';

/** Each function's environment exactly as the stack writes it (tokens stand in for resource names). */
function stackEnvironments(): Record<string, Record<string, string>> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MultidocStack(app, 'Env', { config: DEFAULT_CONFIG });
  const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    Object.entries(fns).map(([id, f]) => [
      id,
      Object.fromEntries(
        Object.entries(f.Properties.Environment.Variables as Record<string, unknown>).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : `resolved-${k}`,
        ]),
      ),
    ]),
  );
}

describe('runtime configuration', () => {
  const envs = stackEnvironments();
  const envOf = (prefix: string) =>
    Object.entries(envs).find(([id]) => id.startsWith(prefix))?.[1] as Record<string, string>;

  it('the stack sets every variable each function requires (no runtime defaults)', () => {
    expect(() => tokenConfig(envOf('Token'))).not.toThrow();
    expect(() => webhookConfig(envOf('Webhook'))).not.toThrow();
    expect(() => comparatorConfig(envOf('Comparator'))).not.toThrow();
    expect(() => sweeperConfig(envOf('Sweeper'))).not.toThrow();
    const token = tokenConfig(envOf('Token'));
    expect(token).toMatchObject({
      retentionDays: 90,
      tokenExpirySeconds: 3600,
      idenfyTimeoutMs: 8000,
      documentSessionMode: 'just-in-time',
      defaultPlan: 'two-documents',
    });
    // The built-in plans, made of the keys that shaped verifications before plans.
    expect([...token.plans.values()].map((p) => [p.id, p.steps.map((s) => s.documentTypes)])).toEqual([
      ['two-documents', [['PASSPORT', 'ID_CARD'], ['RESIDENCE_PERMIT']]],
      ['additional-step', [['PASSPORT', 'ID_CARD']]],
      ['with-proof-of-address', [['PASSPORT', 'ID_CARD'], ['RESIDENCE_PERMIT']]],
    ]);
  });

  it('names every missing or malformed variable at once', () => {
    const env = {
      ...envOf('Token'),
      TABLE_NAME: '',
      RETENTION_DAYS: 'ninety',
      DOCUMENT_SESSION_MODE: 'later',
      ADDITIONAL_STEPS: '[1,2]',
      DECISION_POLICY: '{"onMismatch":"MAYBE"}',
      PLANS: '[{"id":"mine","version":0,"steps":[]}]',
    };
    expect(() => tokenConfig(env)).toThrow(
      /ADDITIONAL_STEPS: must be a JSON object; TABLE_NAME is required; RETENTION_DAYS must be a whole number ≥ 1;.*DECISION_POLICY:.*DOCUMENT_SESSION_MODE must be one of just-in-time, upfront; PLANS: plans\[mine\]\.version: must be a whole number ≥ 1; plans\[mine\]\.steps: must have at least one step/,
    );
    expect(() => webhookConfig({ ...envOf('Webhook'), QUEUE_URL: undefined })).toThrow(
      /QUEUE_URL is required/,
    );
  });
});
