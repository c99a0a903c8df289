/**
 * The contracts in contracts/ as validators: the OpenAPI 3.1 description of the HTTP API and the JSON
 * Schemas of the events. Tests validate real responses and real published events with them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', 'contracts');
const OPENAPI_ID = 'https://idenfy-multidoc.dev/contracts/openapi.yaml';

export const openapi: any = parse(readFileSync(join(ROOT, 'openapi.yaml'), 'utf8'));

export const eventSchemas: Record<string, Record<string, unknown>> = Object.fromEntries(
  readdirSync(join(ROOT, 'events'))
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(ROOT, 'events', f), 'utf8'))]),
);

// Strict: an unknown keyword inside a schema (a stray YAML key, a typo) is an error, not ignored.
export const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
// The OpenAPI document's own fields around its schemas, and the events' detail-type annotation.
ajv.addVocabulary([
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'security',
  'paths',
  'components',
  'x-detail-type',
]);
ajv.addSchema({ ...openapi, $id: OPENAPI_ID });
for (const schema of Object.values(eventSchemas)) ajv.addSchema(schema);

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const cache = new Map<string, ValidateFunction>();
function compiled(ref: string): ValidateFunction {
  let v = cache.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    cache.set(ref, v);
  }
  return v;
}

/** The JSON Schema (as a $ref into the OpenAPI document) of a route's response with this status. */
export function responseSchemaRef(method: string, path: string, status: number): string {
  const operation = openapi.paths?.[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`OpenAPI has no ${method} ${path}`);
  const response = operation.responses?.[String(status)];
  if (!response) throw new Error(`OpenAPI has no ${status} response for ${method} ${path}`);
  if (response.$ref) {
    const name = String(response.$ref).split('/').pop() as string;
    return `${OPENAPI_ID}#/${pointer('components', 'responses', name, 'content', 'application/json', 'schema')}`;
  }
  return `${OPENAPI_ID}#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
}

/** Problems of a body against the OpenAPI response schema; [] when it conforms. */
export function responseProblems(method: string, path: string, status: number, body: unknown): string[] {
  const validate = compiled(responseSchemaRef(method, path, status));
  return validate(body)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

const DETAIL_SCHEMAS: Record<string, string> = Object.fromEntries(
  Object.values(eventSchemas)
    .filter((s) => typeof s['x-detail-type'] === 'string')
    .map((s) => [s['x-detail-type'] as string, s.$id as string]),
);

/** Problems of a published event's detail against the schema of its detail-type; [] when it conforms. */
export function eventProblems(envelope: { 'detail-type': string; detail: unknown }): string[] {
  const id = DETAIL_SCHEMAS[envelope['detail-type']];
  if (!id) return [`no schema for detail-type ${envelope['detail-type']}`];
  const validate = compiled(id);
  return validate(envelope.detail)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}
