/** The contract files agree with the code: routes, statuses, reasons; and they can reject a bad body. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REVIEW_DECISIONS } from '../../functions/domain/lifecycle';
import { METHODS, REASON_CODES, STATUSES } from '../../functions/domain/types';
import { ROUTES } from '../../lib/multidoc-stack';
import { ajv, eventProblems, eventSchemas, openapi, responseProblems } from '../support/contracts';

/** Runs `npm run lint:openapi`'s script on a file: its exit code and what it printed. */
function lintOpenApi(file: string): { code: number; output: string } {
  try {
    const out = execFileSync(process.execPath, ['scripts/lint-openapi.mjs', file], { stdio: 'pipe' });
    return { code: 0, output: out.toString() };
  } catch (err) {
    const e = err as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

describe('contracts/openapi.yaml', () => {
  it('lints clean, and the lint fails on a description whose unquoted comma makes a stray key', () => {
    expect(lintOpenApi('contracts/openapi.yaml')).toEqual({
      code: 0,
      output: expect.stringContaining('0 problem'),
    });
    const source = readFileSync('contracts/openapi.yaml', 'utf8');
    // The continue link's `t` as it was once written: `description: HMAC-signed,` then a new line.
    const withStrayKey = source.replace(
      /\n( +)description: "HMAC-signed, ([^"]*)",/,
      '\n$1description: HMAC-signed,\n$1$2,',
    );
    expect(withStrayKey).not.toBe(source);
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    writeFileSync(join(dir, 'stray.yaml'), withStrayKey);
    const answer = lintOpenApi(join(dir, 'stray.yaml'));
    expect(answer.code).toBe(1);
    expect(answer.output).toContain('is not expected here');
  });

  it('validates strictly: a schema with an unknown keyword (a stray key) does not compile', () => {
    expect(() => ajv.compile({ type: 'string', 'or the caller': null })).toThrow(/unknown keyword/);
  });

  it('is OpenAPI 3.1 and describes exactly the routes the stack serves', () => {
    expect(openapi.openapi).toBe('3.1.0');
    const described = Object.entries(openapi.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    const served = Object.values(ROUTES)
      .flat()
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(described).toEqual(served);
  });

  it('uses the domain’s statuses, methods, reasons and review decisions', () => {
    const s = openapi.components.schemas;
    expect(s.Status.enum).toEqual([...STATUSES]);
    expect(s.Method.enum).toEqual([...METHODS]);
    expect(s.Reason.enum).toEqual([...REASON_CODES]);
    expect(s.ReviewRequest.properties.decision.enum).toEqual([...REVIEW_DECISIONS]);
  });

  it('rejects a response that breaks it (the validation can fail)', () => {
    const good = {
      verificationId: 'v',
      clientId: 'c',
      method: 'TWO_SESSIONS',
      plan: { id: 'two-documents', version: 1 },
      status: 'PENDING',
      redirectUrl: 'https://x.example/r',
      expiresAt: '2026-01-01T00:00:00.000Z',
    };
    expect(responseProblems('POST', '/verifications', 201, good)).toEqual([]);
    expect(responseProblems('POST', '/verifications', 201, { ...good, status: 'DONE' })).not.toEqual([]);
    expect(responseProblems('POST', '/verifications', 201, { ...good, firstName: 'JOHN' })).not.toEqual([]);
    expect(responseProblems('GET', '/verifications', 400, { error: { code: 'X' } })).not.toEqual([]);
  });
});

describe('contracts/events', () => {
  it('has a schema for each detail-type of docs/architecture.md §4, with the domain’s reasons', () => {
    const types = Object.values(eventSchemas)
      .map((s) => s['x-detail-type'])
      .filter(Boolean)
      .sort();
    expect(types).toEqual([
      'Verification Document Expiring',
      'Verification Finalized',
      'Verification Provider Result Changed',
      'Verification Reviewed',
    ]);
    const common = eventSchemas['common.schema.json'] as { $defs: Record<string, { enum: string[] }> };
    expect(common.$defs.reason?.enum).toEqual([...REASON_CODES]);
    expect(common.$defs.status?.enum).toEqual([...STATUSES]);
  });

  it('rejects an event that carries personal data or misses a field', () => {
    const detail = {
      schemaVersion: 1,
      eventId: 'v1#1',
      verificationId: 'v1',
      clientId: 'c',
      method: 'TWO_SESSIONS',
      status: 'VERIFIED',
      previousStatus: 'PENDING',
      reasons: [],
      policyVersion: 'p',
      sessions: { identity: { scanRef: 's', overall: 'APPROVED' }, document: null },
      checks: { firstName: { verdict: 'MATCH', score: 1 } },
      decidedAt: '2026-01-01T00:00:00.000Z',
    };
    const event = (d: unknown) => ({ 'detail-type': 'Verification Finalized', detail: d });
    expect(eventProblems(event(detail))).toEqual([]);
    expect(eventProblems(event({ ...detail, firstName: 'JOHN' }))).not.toEqual([]);
    expect(
      eventProblems(
        event({ ...detail, checks: { firstName: { verdict: 'MATCH', score: 1, compared: ['A', 'A'] } } }),
      ),
    ).not.toEqual([]);
    const { decidedAt: _d, ...missing } = detail;
    expect(eventProblems(event(missing))).not.toEqual([]);
  });

  it('types the code that builds events, as committed (npm run events:types)', () => {
    const generated = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/event-types.ts', '--check'],
      { encoding: 'utf8' },
    );
    expect(generated).toBe(readFileSync('functions/app/events/details.ts', 'utf8'));
    // The comparison can fail: the generated detail carries each schema's required fields.
    expect(generated).toMatch(/export interface DetailOfVerificationFinalized \{[^}]*decidedAt: string;/s);
  });
});
