// Lints an OpenAPI file (default: contracts/openapi.yaml) with Redocly's recommended rules; any
// problem, error or warning, fails. An ES module script because @redocly/openapi-core is ESM-only.
import { createConfig, lint } from '@redocly/openapi-core';

const file = process.argv[2] ?? 'contracts/openapi.yaml';
const config = await createConfig({
  extends: ['recommended'],
  rules: {
    // The continue link is a browser route: it answers 302 (or an HTML page), never a 2xx.
    'operation-2xx-response': 'off',
  },
});
const problems = await lint({ ref: file, config });
for (const p of problems) {
  const where = p.location?.[0]?.pointer ?? '';
  console.error(`${p.severity} ${p.ruleId}: ${p.message} ${where}`);
}
console.log(`${file}: ${problems.length} problem(s) (Redocly recommended)`);
process.exit(problems.length === 0 ? 0 : 1);
