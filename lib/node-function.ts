/** The one Lambda function construct: Node.js 22 on arm64, bundled by the local esbuild (no Docker). */

import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../functions/shared/metric-names';

import { HANDLER_METADATA_KEY } from './handler-metadata';

export { HANDLER_METADATA_KEY };

export interface MultidocFunctionProps {
  /** File name under functions/handlers, without extension. */
  handler: 'token' | 'webhook' | 'comparator' | 'sweeper';
  description: string;
  environment: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** Bundle and turn on the Powertools Tracer (functions/shared/tracing.ts); otherwise it is left out. */
  powertoolsTracer?: boolean;
  /** The customer key of its log group (keys.ts); AWS-managed otherwise. */
  logKey?: IKey;
  /** Concurrency kept for this function alone; none reserved when unset. */
  reservedConcurrency?: number;
  /** Days its log group keeps lines. */
  logRetentionDays: number;
}

export class MultidocFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: MultidocFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptionKey: props.logKey,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(__dirname, '..', 'functions', 'handlers', `${props.handler}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        // The stack's name: two stacks in one account keep their metrics (and alarms) apart.
        POWERTOOLS_SERVICE_NAME: Stack.of(this).stackName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...(props.powertoolsTracer ? { MULTIDOC_TRACER: 'powertools' } : {}),
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.CJS,
        // ESM entry points first: the SDK and zod tree-shake far better than through their CJS builds.
        mainFields: ['module', 'main'],
        // The Node.js 22 runtime ships SDK v3, but bundling pins the versions we test against. The
        // Tracer is only in the bundle when it is turned on (it is never loaded otherwise).
        externalModules: props.powertoolsTracer ? [] : ['@aws-lambda-powertools/tracer'],
        forceDockerBundling: false,
      },
    });
    // Lets local mode find the handler source of each function in the synthesized template.
    (this.fn.node.defaultChild as CfnFunction).addMetadata(HANDLER_METADATA_KEY, props.handler);
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing (xray:PutTraceSegments/PutTelemetryRecords) only works on Resource "*".',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the project builds and tests against; moving to a newer one is a deliberate, tested upgrade.',
      },
    );
  }
}
