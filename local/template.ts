/**
 * The synthesized CloudFormation template of the stack, read as data: local mode provisions and
 * serves exactly what `cdk deploy` would create (docs/architecture.md §5).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { configFromContext } from '../lib/config';
import { MultidocStack } from '../lib/multidoc-stack';
import { HANDLER_METADATA_KEY } from '../lib/node-function';

export type Intrinsic = unknown;

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/** Synthesizes the stack in-process. Bundling is skipped: local mode runs the handler sources directly. */
export function synthTemplate(context: Record<string, unknown> = {}): CfnTemplate {
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
