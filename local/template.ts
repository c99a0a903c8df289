/**
 * The synthesized CloudFormation template of the stack, read as data: local mode provisions and
 * serves exactly what `cdk deploy` would create (docs/architecture.md §5).
 */

import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HANDLER_METADATA_KEY } from '../lib/handler-metadata';

const ROOT = join(__dirname, '..');
/** Synthesized templates by the hash of what they are made from (gitignored, like all of .local/). */
const CACHE_DIR = process.env.LOCAL_TEMPLATE_CACHE ?? join(ROOT, '.local', 'template-cache');

export type Intrinsic = unknown;

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/**
 * The stack's template, synthesized in-process (bundling is skipped: local mode runs the handler
 * sources directly). Reused while its inputs are unchanged: the key hashes the context and every file
 * the stack is built from (lib/, functions/, the lockfile), so any edit synthesizes afresh. A warm
 * start does not even load the CDK.
 */
export function synthTemplate(context: Record<string, unknown> = {}): CfnTemplate {
  const cached = join(CACHE_DIR, `template-${inputsHash(context)}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as CfnTemplate;
  const template = synthNow(context);
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written whole, then renamed: a concurrent start never reads half a file.
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(template));
  renameSync(partial, cached);
  return template;
}

function synthNow(context: Record<string, unknown>): CfnTemplate {
  // Loaded only on a cache miss: the CDK takes seconds to load.
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { configFromContext } = require('../lib/config') as typeof import('../lib/config');
  const { MultidocStack } = require('../lib/multidoc-stack') as typeof import('../lib/multidoc-stack');
  const outdir = mkdtempSync(join(tmpdir(), 'multidoc-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
    const stack = new MultidocStack(app, 'IdenfyMultidoc', { config: configFromContext(app.node) });
    const assembly = app.synth();
    return assembly.getStackByName(stack.stackName).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** SHA-256 of the context and of every source the template can depend on. */
export function inputsHash(context: Record<string, unknown>): string {
  const hash = createHash('sha256').update(JSON.stringify(context));
  const files = [
    ...sources(join(ROOT, 'lib')),
    ...sources(join(ROOT, 'functions')),
    join(ROOT, 'package-lock.json'),
  ];
  for (const f of files.sort()) hash.update(relative(ROOT, f)).update(readFileSync(f));
  return hash.digest('hex').slice(0, 32);
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

export function resourcesOfType(t: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

export interface RouteDef {
  routeKey: string;
  method: string;
  path: string;
  authorizationType: string;
  functionId: string;
}

/** Each HTTP API route with the logical id of the function behind it. */
export function routes(t: CfnTemplate): RouteDef[] {
  return resourcesOfType(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => {
    const props = r.Properties ?? {};
    const routeKey = String(props.RouteKey);
    const [method = '', path = ''] = routeKey.split(' ');
    const target = JSON.stringify(props.Target);
    const integrationId = /"Ref":"([^"]+)"/.exec(target)?.[1] ?? '';
    const integration = t.Resources[integrationId]?.Properties ?? {};
    const functionId = getAttTarget(integration.IntegrationUri);
    return {
      routeKey,
      method,
      path,
      authorizationType: String(props.AuthorizationType ?? 'NONE'),
      functionId,
    };
  });
}

export interface QueueSourceDef {
  queueId: string;
  functionId: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
}

export function queueEventSources(t: CfnTemplate): QueueSourceDef[] {
  return resourcesOfType(t, 'AWS::Lambda::EventSourceMapping').map(([, r]) => {
    const p = r.Properties ?? {};
    return {
      queueId: getAttTarget(p.EventSourceArn),
      functionId: String((p.FunctionName as { Ref?: string })?.Ref ?? ''),
      batchSize: Number(p.BatchSize ?? 10),
      reportBatchItemFailures: ((p.FunctionResponseTypes as string[]) ?? []).includes(
        'ReportBatchItemFailures',
      ),
    };
  });
}

/** Which handler source (functions/handlers/<name>.ts) a function resource runs. */
export function handlerName(t: CfnTemplate, functionId: string): string {
  const name = t.Resources[functionId]?.Metadata?.[HANDLER_METADATA_KEY];
  if (typeof name !== 'string')
    throw new Error(`Function ${functionId} has no ${HANDLER_METADATA_KEY} metadata`);
  return name;
}

function getAttTarget(v: unknown): string {
  const att = (v as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
  return att?.[0] ?? '';
}

export interface ScheduleDef {
  ruleId: string;
  functionId: string;
  expression: string;
  /** The rate as milliseconds (local mode runs `rate(…)` schedules only). */
  intervalMs: number;
}

/** Scheduled EventBridge rules and the functions they invoke. */
export function schedules(t: CfnTemplate): ScheduleDef[] {
  return resourcesOfType(t, 'AWS::Events::Rule')
    .filter(([, r]) => typeof r.Properties?.ScheduleExpression === 'string')
    .flatMap(([ruleId, r]) => {
      const expression = String(r.Properties?.ScheduleExpression);
      const intervalMs = rateMs(expression);
      const targets = (r.Properties?.Targets as { Arn?: unknown }[]) ?? [];
      return targets.map((target) => ({
        ruleId,
        functionId: getAttTarget(target.Arn),
        expression,
        intervalMs,
      }));
    });
}

function rateMs(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) throw new Error(`Local mode runs rate(…) schedules only, not ${expression}`);
  const unit = m[2]?.startsWith('minute') ? 60_000 : m[2]?.startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}
