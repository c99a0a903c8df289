/**
 * Powertools Tracer, opt-in (`-c tracer=powertools`): SDK calls become X-Ray subsegments and each
 * invocation a `## <handler>` subsegment with a ColdStart annotation. Off by default: bundled, it adds
 * about 131 KiB and 44 ms to every cold start (docs/benchmarks.md), against Lambda's own active tracing,
 * which is always on. When off, the stack leaves the package out of the bundle and nothing loads it.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';

let tracer: Tracer | null | undefined;

export function powertoolsTracer(): Tracer | undefined {
  if (tracer === undefined) {
    tracer =
      process.env.MULTIDOC_TRACER === 'powertools'
        ? new (
            require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')
          ).Tracer()
        : null;
  }
  return tracer ?? undefined;
}

/** The SDK client, captured by the Tracer when it is on. */
export function traced<T>(client: T): T {
  const t = powertoolsTracer();
  return t ? t.captureAWSv3Client(client) : client;
}

/** The handler, with a `## name` subsegment per invocation when the Tracer is on. */
export function withTracing<E, C, R>(name: string, handler: (event: E, context?: C) => Promise<R>) {
  return async (event: E, context?: C): Promise<R> => {
    const t = powertoolsTracer();
    const parent = t?.getSegment();
    if (!t || !parent) return handler(event, context);
    const segment = parent.addNewSubsegment(`## ${name}`);
    t.setSegment(segment);
    t.annotateColdStart();
    t.addServiceNameAnnotation();
    try {
      return await handler(event, context);
    } catch (err) {
      segment.addError(err as Error);
      throw err;
    } finally {
      segment.close();
      t.setSegment(parent);
    }
  };
}
