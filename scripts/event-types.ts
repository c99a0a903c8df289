/**
 * `npm run events:types`: the TypeScript types of the events' `detail`, generated from their JSON
 * Schemas (contracts/events/*.schema.json) into functions/app/events/details.ts, so the code that builds
 * an event cannot drift from the contract subscribers read (test/unit/contracts.test.ts regenerates
 * and compares, as it does for the client's types).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

const ROOT = join(__dirname, '..');
export const DETAILS_FILE = join(ROOT, 'functions', 'app', 'events', 'details.ts');

/** One schema naming every detail, so shared definitions are declared once. */
const ALL = {
  title: 'EventDetails',
  type: 'object',
  additionalProperties: false,
  required: ['finalized', 'reviewed', 'documentExpiring', 'providerResultChanged'],
  properties: {
    finalized: { $ref: 'verification-finalized.schema.json' },
    reviewed: { $ref: 'verification-reviewed.schema.json' },
    documentExpiring: { $ref: 'verification-document-expiring.schema.json' },
    providerResultChanged: { $ref: 'verification-provider-result-changed.schema.json' },
  },
};

export async function generateEventTypes(): Promise<string> {
  const body = await compile(ALL as never, 'EventDetails', {
    cwd: join(ROOT, 'contracts', 'events'),
    bannerComment:
      '/** Generated from contracts/events/*.schema.json by `npm run events:types`: do not edit (a test regenerates and compares). */',
    additionalProperties: false,
    style: { singleQuote: true, printWidth: 110 },
  });
  return body;
}

if (require.main === module) {
  void generateEventTypes().then((ts) => {
    // --check: print what would be written (the test compares it with the committed file).
    if (process.argv.includes('--check')) return void process.stdout.write(ts);
    writeFileSync(DETAILS_FILE, ts);
    console.log(`wrote ${DETAILS_FILE}`);
  });
}
