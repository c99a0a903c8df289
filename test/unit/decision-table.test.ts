/**
 * The decision as a table (functions/domain/decision-table.ts): the table docs/decisions.md prints is
 * the one the code runs; every status `decide()` returns is the table's verdict on its reasons; the same
 * finding leads to the same place for both methods.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { type DecisionInput, decide } from '../../functions/domain/decide';
import { DECISION_TABLE, type Finding, statusOf } from '../../functions/domain/decision-table';
import { DEFAULT_POLICY, type DecisionPolicy } from '../../functions/domain/policy';
import { type DocumentData, REASON_CODES, type SessionResult } from '../../functions/domain/types';

const NOW = new Date('2026-06-01T12:00:00Z');

/** The rows of docs/decisions.md's "The decision table": finding → destination. */
function documentedTable(): Record<string, string> {
  const md = readFileSync('docs/decisions.md', 'utf8');
  const section = md.split('## The decision table')[1]?.split('\n## ')[0] ?? '';
  const rows = [...section.matchAll(/^\| `([A-Z_]+)` +\| `([A-Za-z_]+)` +\|$/gm)];
  return Object.fromEntries(rows.map((m) => [m[1], m[2]]));
}

function result(role: SessionResult['role'], doc: DocumentData, overall = 'APPROVED'): SessionResult {
  return {
    role,
    scanRef: `${role}-scan`,
    overall,
    final: true,
    document: doc,
    fraudTags: [],
    mismatchTags: [],
    resultVersion: 1,
  };
}

const person = { firstName: 'JOHN', lastName: 'SMITH', dateOfBirth: '1990-01-01' };
const identityDoc = { ...person, documentType: 'ID_CARD', expiryDate: '2030-01-01' };
const permit = { ...person, documentType: 'RESIDENCE_PERMIT', expiryDate: '2028-01-01' };

function input(method: DecisionInput['method'], identity: SessionResult, document?: SessionResult) {
  return {
    method,
    claimed: {},
    allowedDocumentTypes: ['RESIDENCE_PERMIT'],
    allowedIdentityDocumentTypes: ['PASSPORT', 'ID_CARD'],
    identity,
    document,
  };
}

/** Each method given the same identity document (the additional step's upload is approved and found). */
function bothMethods(identity: DocumentData, policy: DecisionPolicy) {
  const id = result('IDENTITY', identity);
  const step = { ...id, additionalStep: { status: 'VALID', steps: ['RESIDENCE_PERMIT'] } };
  return {
    twoSessions: decide(input('TWO_SESSIONS', id, result('DOCUMENT', permit)), policy, NOW),
    additionalStep: decide(input('ADDITIONAL_STEP', step), policy, NOW),
  };
}

describe('the decision table', () => {
  it('is the table docs/decisions.md prints, row for row', () => {
    const documented = documentedTable();
    expect(Object.keys(documented).length).toBeGreaterThan(20);
    expect(documented).toEqual(DECISION_TABLE);
  });

  it('docs/decisions.md documents every policy key, with its default', () => {
    const md = readFileSync('docs/decisions.md', 'utf8');
    const section = md.split('**The policy is data**')[1]?.split('\n\n**')[0] ?? '';
    const rows = [...section.matchAll(/^\| `([A-Za-z]+)` +\| ([^|]+?) +\|/gm)];
    expect(rows.map((m) => m[1]).sort()).toEqual(Object.keys(DEFAULT_POLICY).sort());
    for (const [, key, documented] of rows) {
      const value = DEFAULT_POLICY[key as keyof DecisionPolicy];
      const shown = Array.isArray(value) ? value.map((v) => `\`${v}\``).join(', ') : `\`${value}\``;
      expect(`${key}: ${documented}`).toBe(`${key}: ${shown}`);
    }
  });

  it('has a row for every reason code but those a reviewer or the client writes', () => {
    const outside = REASON_CODES.filter((r) => !(r in DECISION_TABLE));
    expect(outside).toEqual(['MANUAL_REVIEW_APPROVED', 'MANUAL_REVIEW_REJECTED', 'CANCELLED']);
  });

  it('one escalation: no finding is VERIFIED, otherwise the worst destination', () => {
    const strict: DecisionPolicy = { ...DEFAULT_POLICY, onMissing: 'REJECTED' };
    expect(statusOf([], strict)).toBe('VERIFIED');
    expect(statusOf(['DOCUMENT_VALIDITY_EXPIRED'], strict)).toBe('REQUIRES_REVIEW');
    expect(statusOf(['DOCUMENT_VALIDITY_EXPIRED', 'FIELD_MISSING'], strict)).toBe('REJECTED');
    expect(statusOf(['DOCUMENT_VALIDITY_EXPIRED', 'FIELD_MISSING'], DEFAULT_POLICY)).toBe('REQUIRES_REVIEW');
    expect(statusOf(['IDENTITY_SESSION_EXPIRED', 'DOCUMENT_SESSION_DENIED'], DEFAULT_POLICY)).toBe(
      'REJECTED',
    );
  });
});

describe('the same finding leads to the same place for both methods', () => {
  it('an identity document without a type: FIELD_MISSING goes where onMissing says, for both', () => {
    const { documentType: _t, ...untyped } = identityDoc;
    for (const onMissing of ['REQUIRES_REVIEW', 'REJECTED'] as const) {
      const d = bothMethods(untyped, { ...DEFAULT_POLICY, onMissing });
      expect(d.twoSessions?.reasons).toContain('FIELD_MISSING');
      expect(d.additionalStep?.reasons).toContain('FIELD_MISSING');
      // The additional step always needs a person, so only a rejection can tell the two apart.
      expect(d.twoSessions?.status).toBe(onMissing);
      expect(d.additionalStep?.status).toBe(onMissing);
    }
  });

  it('an expired identity document: a person looks, for both, even when integrity findings reject', () => {
    const d = bothMethods(
      { ...identityDoc, expiryDate: '2026-01-01' },
      { ...DEFAULT_POLICY, onIntegrityFailure: 'REJECTED' },
    );
    expect(d.twoSessions?.reasons).toEqual(['DOCUMENT_VALIDITY_EXPIRED']);
    expect(d.twoSessions?.status).toBe('REQUIRES_REVIEW');
    expect(d.additionalStep?.reasons).toEqual([
      'ADDITIONAL_DOCUMENT_NEEDS_REVIEW',
      'DOCUMENT_VALIDITY_EXPIRED',
    ]);
    expect(d.additionalStep?.status).toBe('REQUIRES_REVIEW');
  });

  it('a permit as the identity document: rejected for both when onIntegrityFailure says so', () => {
    const d = bothMethods(
      { ...identityDoc, documentType: 'RESIDENCE_PERMIT' },
      { ...DEFAULT_POLICY, onIntegrityFailure: 'REJECTED' },
    );
    expect(d.twoSessions?.reasons).toContain('IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED');
    expect(d.additionalStep?.reasons).toContain('IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED');
    expect(d.twoSessions?.status).toBe('REJECTED');
    expect(d.additionalStep?.status).toBe('REJECTED');
  });
});

describe('every decision is the table’s verdict on its reasons (property)', () => {
  const outcome = fc.constantFrom('REQUIRES_REVIEW', 'REJECTED') as fc.Arbitrary<
    'REQUIRES_REVIEW' | 'REJECTED'
  >;
  const policy = fc.record({
    onPartial: outcome,
    onMismatch: outcome,
    onMissing: outcome,
    onIntegrityFailure: outcome,
    compareClaimedData: fc.boolean(),
    compareNationality: fc.boolean(),
  });
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const doc = fc.record({
    firstName: maybe(fc.constantFrom('JOHN', 'JON', 'SMITH', 'JOHN PAUL', 'РAUL')),
    lastName: maybe(fc.constantFrom('SMITH', 'SMYTH', 'JOHN', 'DOE')),
    dateOfBirth: maybe(fc.constantFrom('1990-01-01', '1990-01-02', '2099-01-01', '1800-01-01')),
    documentType: maybe(fc.constantFrom('ID_CARD', 'PASSPORT', 'RESIDENCE_PERMIT', 'DRIVER_LICENSE')),
    expiryDate: maybe(fc.constantFrom('2030-01-01', '2026-01-01', 'not a date')),
    nationality: maybe(fc.constantFrom('DE', 'DEU', 'FR')),
  });
  const overall = fc.constantFrom('APPROVED', 'SUSPECTED', 'DENIED', 'EXPIRED', 'REVIEWING');

  it('status = statusOf(reasons); VERIFIED exactly when there is no reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('TWO_SESSIONS', 'ADDITIONAL_STEP') as fc.Arbitrary<DecisionInput['method']>,
        policy,
        doc,
        doc,
        overall,
        overall,
        fc.boolean(),
        (method, p, a, b, oa, ob, seen) => {
          const pol = { ...DEFAULT_POLICY, ...p };
          const d = decide(
            {
              ...input(method, result('IDENTITY', a, oa), result('DOCUMENT', b, ob)),
              documentSeenForAnotherClient: seen,
            },
            pol,
            NOW,
          );
          if (!d) return;
          expect(d.status).toBe(statusOf(d.reasons as Finding[], pol));
          expect(d.status === 'VERIFIED').toBe(d.reasons.length === 0);
          expect(d.reasons.every((r) => r in DECISION_TABLE)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
