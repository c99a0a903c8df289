/**
 * AWS Control Tower's proactive controls (cfn-guard rules of `@cdklabs/cdk-validator-cfnguard`) over
 * the synthesized template, as an organisation enforcing them would: every finding fixed or
 * acknowledged with a reason (lib/control-tower.ts), in each configuration variant; no acknowledgement
 * that nothing needs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG, type MultidocConfig } from '../../lib/config';
import { CONTROL_TOWER_ACKNOWLEDGED } from '../../lib/control-tower';
import { MultidocStack } from '../../lib/multidoc-stack';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'multidoc-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VARIANTS: [string, Partial<MultidocConfig>][] = [
  ['Default', {}],
  ['Cmk', { customerManagedKey: true, webhookReservedConcurrency: 20, alarmEmail: 'ops@example.com' }],
  [
    'Jwt',
    {
      clientAuth: 'jwt',
      jwtIssuer: 'https://issuer.example',
      jwtAudience: 'multidoc',
      tokenReservedConcurrency: 5,
    },
  ],
];

/** The validator disables rules by file name (ct-lambda-pr-3); its report names the rule inside. */
const RULES_DIR = join(
  dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')),
  '..',
  'rules',
  'control-tower',
  'cfn-guard',
);
function ruleNameOf(file: string): string {
  for (const service of readdirSync(RULES_DIR)) {
    const path = join(RULES_DIR, service, `${file}.guard`);
    if (!readdirSync(join(RULES_DIR, service)).includes(`${file}.guard`)) continue;
    const name = /^rule (\w+) when is_cfn_template/m.exec(readFileSync(path, 'utf8'))?.[1];
    if (name) return name;
  }
  throw new Error(`no Control Tower rule file ${file}`);
}
const ACKNOWLEDGED = new Map(
  Object.entries(CONTROL_TOWER_ACKNOWLEDGED).map(([file, why]) => [ruleNameOf(file), why]),
);

/** Each variant's findings: rule → the resources it names. */
const found = new Map<string, Record<string, string[]>>();
beforeAll(() => {
  for (const [name, config] of VARIANTS) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MultidocStack(app, name, { config: { ...DEFAULT_CONFIG, ...config } });
    const path = join(dir, `${name}.template.json`);
    writeFileSync(path, JSON.stringify(Template.fromStack(stack).toJSON()));
    const report = new CfnGuardValidator().validate({ templatePaths: [path] } as never);
    found.set(
      name,
      Object.fromEntries(
        report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.resourceLogicalId)]),
      ),
    );
  }
});

it.each(VARIANTS.map(([name]) => [name]))('%s: every finding is acknowledged, with a reason', (name) => {
  const unacknowledged = Object.entries(found.get(name) ?? {}).filter(([rule]) => !ACKNOWLEDGED.has(rule));
  expect(Object.fromEntries(unacknowledged)).toEqual({});
});

it('no acknowledgement that nothing needs; each says why', () => {
  const needed = new Set(VARIANTS.flatMap(([name]) => Object.keys(found.get(name) ?? {})));
  expect([...ACKNOWLEDGED.keys()].sort()).toEqual([...needed].sort());
  for (const why of ACKNOWLEDGED.values()) expect(why.length).toBeGreaterThan(80);
});

it('fixed in the stack, not acknowledged: log retention, grants on our keys; a customer key encrypts the logs', () => {
  for (const [name] of VARIANTS) {
    expect(found.get(name)).not.toHaveProperty('cloudwatch_log_group_retention_period_check');
    expect(found.get(name)).not.toHaveProperty('kms_create_grant_aws_service_check');
  }
  expect(found.get('Default')).toHaveProperty('cloudwatch_log_group_encrypted_check');
  expect(found.get('Cmk')).not.toHaveProperty('cloudwatch_log_group_encrypted_check');
});
