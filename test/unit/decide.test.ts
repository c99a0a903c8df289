import { decide } from '../../functions/domain/decide';
import { DEFAULT_POLICY, type DecisionPolicy } from '../../functions/domain/policy';
import type { DocumentData, SessionResult } from '../../functions/domain/types';

const NOW = new Date('2026-06-01T12:00:00Z');
const person: DocumentData = { firstName: 'JOHN', lastName: 'SMITH', dateOfBirth: '1990-01-01' };

function result(
  role: SessionResult['role'],
  overrides: Partial<SessionResult> = {},
  doc: DocumentData = {},
): SessionResult {
  const document: DocumentData =
    role === 'IDENTITY'
      ? { ...person, documentType: 'ID_CARD', expiryDate: '2030-01-01', ...doc }
      : { ...person, documentType: 'RESIDENCE_PERMIT', expiryDate: '2028-01-01', ...doc };
  return {
    role,
    scanRef: `${role}-scan`,
    overall: 'APPROVED',
    final: true,
    document,
    fraudTags: [],
    mismatchTags: [],
    resultVersion: 1,
    ...overrides,
  };
}

const input = (identity?: SessionResult, document?: SessionResult, extra: Record<string, unknown> = {}) => ({
  method: 'TWO_SESSIONS' as const,
  claimed: {},
  allowedDocumentTypes: ['RESIDENCE_PERMIT'],
  allowedIdentityDocumentTypes: ['PASSPORT', 'ID_CARD'],
  identity,
  document,
  ...extra,
});

describe('decide (docs/architecture.md §3)', () => {
  it('VERIFIED when both are approved, every field matches and the permit is allowed and valid', () => {
    const d = decide(input(result('IDENTITY'), result('DOCUMENT')), DEFAULT_POLICY, NOW);
    expect(d?.status).toBe('VERIFIED');
    expect(d?.reasons).toEqual([]);
    expect(d?.checks).toEqual({
      firstName: { verdict: 'MATCH', score: 1 },
      lastName: { verdict: 'MATCH', score: 1 },
      dateOfBirth: { verdict: 'MATCH', score: 1 },
    });
    expect(d?.report.policyVersion).toBe(DEFAULT_POLICY.policyVersion);
  });

  it('waits while a result is missing or not final', () => {
    expect(decide(input(), DEFAULT_POLICY, NOW)).toBeUndefined();
    expect(decide(input(result('IDENTITY')), DEFAULT_POLICY, NOW)).toBeUndefined();
    expect(
      decide(input(result('IDENTITY'), result('DOCUMENT', { final: false })), DEFAULT_POLICY, NOW),
    ).toBeUndefined();
  });

  it('a final:false denial decides nothing', () => {
    expect(
      decide(input(result('IDENTITY', { overall: 'DENIED', final: false })), DEFAULT_POLICY, NOW),
    ).toBeUndefined();
  });

  it.each([
    ['IDENTITY', 'IDENTITY_SESSION_DENIED'],
    ['DOCUMENT', 'DOCUMENT_SESSION_DENIED'],
  ] as const)(
    'REJECTED at once when the %s session is denied, without waiting for the other',
    (role, reason) => {
      const denied = result(role, { overall: 'DENIED' });
      const d = decide(role === 'IDENTITY' ? input(denied) : input(undefined, denied), DEFAULT_POLICY, NOW);
      expect(d?.status).toBe('REJECTED');
      expect(d?.reasons).toEqual([reason]);
    },
  );

  it('names both denials when both sessions are denied', () => {
    const d = decide(
      input(result('IDENTITY', { overall: 'DENIED' }), result('DOCUMENT', { overall: 'DENIED' })),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.status).toBe('REJECTED');
    expect(d?.reasons).toEqual(['IDENTITY_SESSION_DENIED', 'DOCUMENT_SESSION_DENIED']);
  });

  it.each([
    ['IDENTITY', { overall: 'EXPIRED' }, 'IDENTITY_SESSION_EXPIRED'],
    ['DOCUMENT', { overall: 'EXPIRED', final: false }, 'DOCUMENT_SESSION_EXPIRED'],
    [
      'IDENTITY',
      { overall: 'ACTIVE', final: false, eventType: 'IDENTIFICATION_CANCELLED' },
      'IDENTITY_SESSION_EXPIRED',
    ],
  ] as const)('EXPIRED when the %s session expired or was cancelled (%j)', (role, overrides, reason) => {
    const r = result(role, overrides);
    const d = decide(role === 'IDENTITY' ? input(r) : input(result('IDENTITY'), r), DEFAULT_POLICY, NOW);
    expect(d?.status).toBe('EXPIRED');
    expect(d?.reasons).toEqual([reason]);
  });

  it.each([
    ['IDENTITY', 'IDENTITY_SESSION_SUSPECTED'],
    ['DOCUMENT', 'DOCUMENT_SESSION_SUSPECTED'],
  ] as const)('REQUIRES_REVIEW when the %s session is suspected', (role, reason) => {
    const d = decide(
      input(
        result('IDENTITY', role === 'IDENTITY' ? { overall: 'SUSPECTED' } : {}),
        result('DOCUMENT', role === 'DOCUMENT' ? { overall: 'SUSPECTED' } : {}),
      ),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual([reason]);
  });

  it.each([
    [{ firstName: 'PETER' }, 'FIRST_NAME_MISMATCH'],
    [{ lastName: 'JONES' }, 'LAST_NAME_MISMATCH'],
    [{ dateOfBirth: '1991-01-01' }, 'DATE_OF_BIRTH_MISMATCH'],
    [{ firstName: 'JOHN PAUL' }, 'FIRST_NAME_PARTIAL_MATCH'],
    [{ lastName: 'SMITH JONES' }, 'LAST_NAME_PARTIAL_MATCH'],
    [{ firstName: null, originalFirstName: null }, 'FIELD_MISSING'],
    [{ dateOfBirth: 'YYYY-MM-DD' }, 'FIELD_MISSING'],
  ] as const)('REQUIRES_REVIEW when the permit shows %j', (doc, reason) => {
    const d = decide(input(result('IDENTITY'), result('DOCUMENT', {}, doc)), DEFAULT_POLICY, NOW);
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual([reason]);
  });

  it('REQUIRES_REVIEW with DOCUMENT_TYPE_NOT_ALLOWED for a second document of another type', () => {
    const d = decide(
      input(result('IDENTITY'), result('DOCUMENT', {}, { documentType: 'PASSPORT' })),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual(['DOCUMENT_TYPE_NOT_ALLOWED']);
  });

  it('REQUIRES_REVIEW with DOCUMENT_VALIDITY_EXPIRED for a permit expired on (or before) the decision date', () => {
    for (const expiryDate of ['2026-06-01', '2020-01-01']) {
      const d = decide(
        input(result('IDENTITY'), result('DOCUMENT', {}, { expiryDate })),
        DEFAULT_POLICY,
        NOW,
      );
      expect(d?.status).toBe('REQUIRES_REVIEW');
      expect(d?.reasons).toEqual(['DOCUMENT_VALIDITY_EXPIRED']);
    }
    // Never a rejection, whatever the policy says of integrity findings: it may have expired since.
    const strict: DecisionPolicy = { ...DEFAULT_POLICY, onIntegrityFailure: 'REJECTED' };
    const d = decide(
      input(result('IDENTITY'), result('DOCUMENT', {}, { expiryDate: '2020-01-01' })),
      strict,
      NOW,
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
  });

  it('CLAIMED_DATA_MISMATCH when the claim differs from the documents, which agree with each other', () => {
    const d = decide(
      input(result('IDENTITY'), result('DOCUMENT'), {
        claimed: { firstName: 'Peter', dateOfBirth: '1990-01-01' },
      }),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual(['CLAIMED_DATA_MISMATCH']);
    expect(Object.keys(d?.report.pairs['claim~identity'] ?? {})).toEqual(['firstName', 'dateOfBirth']);
  });

  it('a matching claim keeps VERIFIED and is reported per pair', () => {
    const d = decide(
      input(result('IDENTITY'), result('DOCUMENT'), { claimed: { firstName: 'John', lastName: 'Smith' } }),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.status).toBe('VERIFIED');
    expect(d?.report.pairs['claim~document']?.lastName?.verdict).toBe('MATCH');
  });

  describe('ADDITIONAL_STEP', () => {
    const step = (status: string | null, steps = ['RESIDENCE_PERMIT']) =>
      result('IDENTITY', { additionalStep: { status, steps } });
    const additional = (identity: SessionResult) =>
      decide(input(identity, undefined, { method: 'ADDITIONAL_STEP' }), DEFAULT_POLICY, NOW);

    it('an approved identity with a valid upload needs a person to look at it', () => {
      const d = additional(step('VALID'));
      expect(d?.status).toBe('REQUIRES_REVIEW');
      expect(d?.reasons).toEqual(['ADDITIONAL_DOCUMENT_NEEDS_REVIEW']);
    });

    it.each([
      ['NOT_FOUND', ['RESIDENCE_PERMIT'], 'ADDITIONAL_DOCUMENT_NOT_FOUND'],
      ['INVALID', ['RESIDENCE_PERMIT'], 'ADDITIONAL_DOCUMENT_INVALID'],
      [null, [], 'ADDITIONAL_DOCUMENT_NOT_FOUND'],
    ])('names the step verdict %s (steps %j) as %s', (status, steps, reason) => {
      const d = additional(step(status, steps));
      expect(d?.status).toBe('REQUIRES_REVIEW');
      expect(d?.reasons).toEqual(['ADDITIONAL_DOCUMENT_NEEDS_REVIEW', reason]);
    });

    it('a session without any step information is named NOT_FOUND too', () => {
      expect(additional(result('IDENTITY'))?.reasons).toContain('ADDITIONAL_DOCUMENT_NOT_FOUND');
    });

    it('a denied identity is REJECTED whatever the step says; a suspected one is named', () => {
      expect(additional(step('VALID'))?.status).toBe('REQUIRES_REVIEW');
      const denied = additional(
        result('IDENTITY', { overall: 'DENIED', additionalStep: { status: 'VALID', steps: [] } }),
      );
      expect(denied).toMatchObject({ status: 'REJECTED', reasons: ['IDENTITY_SESSION_DENIED'] });
      const suspected = additional(
        result('IDENTITY', { overall: 'SUSPECTED', additionalStep: { status: 'VALID', steps: ['X'] } }),
      );
      expect(suspected?.reasons).toEqual(['IDENTITY_SESSION_SUSPECTED', 'ADDITIONAL_DOCUMENT_NEEDS_REVIEW']);
    });
  });

  it('policy as data: a mismatch can be configured to reject', () => {
    const strict: DecisionPolicy = { ...DEFAULT_POLICY, onMismatch: 'REJECTED' };
    const d = decide(input(result('IDENTITY'), result('DOCUMENT', {}, { lastName: 'JONES' })), strict, NOW);
    expect(d?.status).toBe('REJECTED');
    expect(d?.reasons).toEqual(['LAST_NAME_MISMATCH']);
  });

  it('collects every reason that applies', () => {
    const d = decide(
      input(
        result('IDENTITY', { overall: 'SUSPECTED' }),
        result('DOCUMENT', {}, { firstName: 'PETER', documentType: 'VISA', expiryDate: '2020-01-01' }),
      ),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.reasons.sort()).toEqual(
      [
        'IDENTITY_SESSION_SUSPECTED',
        'FIRST_NAME_MISMATCH',
        'DOCUMENT_TYPE_NOT_ALLOWED',
        'DOCUMENT_VALIDITY_EXPIRED',
      ].sort(),
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
  });

  it('uses original-script names when the Latin fields are missing', () => {
    const d = decide(
      input(
        result('IDENTITY', {}, { firstName: null, originalFirstName: 'José' }),
        result('DOCUMENT', {}, { firstName: 'JOSE' }),
      ),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.report.pairs['identity~document']?.firstName).toMatchObject({
      verdict: 'MATCH',
      compared: ['JOSE', 'JOSE'],
    });
    expect(d?.status).toBe('VERIFIED');
  });
});

describe('document integrity (docs/architecture.md §3, second round): each finding goes to review, never to VERIFIED', () => {
  const digest = (n: string) => ({ numberDigest: `num-${n}`, documentDigest: `doc-${n}` });
  const verdict = (identity: SessionResult, document: SessionResult, extra: Record<string, unknown> = {}) =>
    decide(input(identity, document, extra), DEFAULT_POLICY, NOW);

  it('a residence permit read as the identity document: IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED', () => {
    const d = verdict(result('IDENTITY', {}, { documentType: 'RESIDENCE_PERMIT' }), result('DOCUMENT'));
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toContain('IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED');
    expect(d?.report.documentChecks?.identityDocumentType).toEqual({
      value: 'RESIDENCE_PERMIT',
      allowed: false,
    });
    // A passport is an identity document; without a type nothing proves it was one: FIELD_MISSING.
    expect(verdict(result('IDENTITY', {}, { documentType: 'PASSPORT' }), result('DOCUMENT'))?.status).toBe(
      'VERIFIED',
    );
    const untyped = verdict(result('IDENTITY', {}, { documentType: null }), result('DOCUMENT'));
    expect([untyped?.status, untyped?.reasons]).toEqual(['REQUIRES_REVIEW', ['FIELD_MISSING']]);
    expect(untyped?.report.documentChecks?.identityDocumentType).toEqual({ value: null, allowed: false });
    // Never a rejection, whatever the policy says of integrity findings: a missing field may be innocent.
    const strict: DecisionPolicy = { ...DEFAULT_POLICY, onIntegrityFailure: 'REJECTED' };
    expect(
      decide(input(result('IDENTITY', {}, { documentType: '  ' }), result('DOCUMENT')), strict, NOW)?.status,
    ).toBe('REQUIRES_REVIEW');
  });

  it('one permit in both steps (same number, same country, whatever each labelled it): SAME_DOCUMENT_TWICE', () => {
    const permit = { ...digest('P1'), issuingCountry: 'DE' };
    const d = verdict(
      result('IDENTITY', {}, { ...permit, documentType: 'ID_CARD' }),
      result('DOCUMENT', {}, { ...permit, documentType: 'RESIDENCE_PERMIT' }),
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual(['SAME_DOCUMENT_TWICE']);
    // The same number where either country is missing counts too; another country's number does not.
    expect(
      verdict(
        result('IDENTITY', {}, { ...digest('P1'), issuingCountry: null }),
        result('DOCUMENT', {}, permit),
      )?.reasons,
    ).toContain('SAME_DOCUMENT_TWICE');
    expect(
      verdict(
        result('IDENTITY', {}, { ...digest('P1'), issuingCountry: 'LT' }),
        result('DOCUMENT', {}, permit),
      )?.status,
    ).toBe('VERIFIED');
    // No number at all: the rule needs one and does not fire.
    expect(verdict(result('IDENTITY'), result('DOCUMENT'))?.status).toBe('VERIFIED');
  });

  it('a document bound to another client: DOCUMENT_SEEN_FOR_ANOTHER_CLIENT', () => {
    const d = verdict(result('IDENTITY'), result('DOCUMENT'), { documentSeenForAnotherClient: true });
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
  });

  it('the additional-step method names what the identity document alone shows', () => {
    const identity = result(
      'IDENTITY',
      { additionalStep: { status: 'VALID', steps: ['RESIDENCE_PERMIT'] } },
      {
        documentType: 'RESIDENCE_PERMIT',
      },
    );
    const d = decide(
      input(identity, undefined, { method: 'ADDITIONAL_STEP', documentSeenForAnotherClient: true }),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual([
      'ADDITIONAL_DOCUMENT_NEEDS_REVIEW',
      'IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED',
      'DOCUMENT_SEEN_FOR_ANOTHER_CLIENT',
    ]);
  });

  it("with the second document's face checked: only FACE_MATCH verifies; anything else, or none, goes to a person", () => {
    const identity = result('IDENTITY');
    const faceCheck = { documentFaceCheck: true };
    const matched = decide(
      input(identity, result('DOCUMENT', { face: 'FACE_MATCH' }), faceCheck),
      DEFAULT_POLICY,
      NOW,
    );
    expect([matched?.status, matched?.reasons]).toEqual(['VERIFIED', []]);
    expect(matched?.report.documentChecks?.documentFace).toEqual({ verdict: 'FACE_MATCH', matched: true });
    for (const face of ['FACE_UNCERTAIN', 'FACE_NOT_CHECKED', 'FAKE_FACE', null, undefined]) {
      const d = decide(input(identity, result('DOCUMENT', { face }), faceCheck), DEFAULT_POLICY, NOW);
      expect([face, d?.status, d?.reasons]).toEqual([face, 'REQUIRES_REVIEW', ['DOCUMENT_FACE_NOT_MATCHED']]);
    }
    // Off (the default): the second session has no selfie and its face verdict is not asked for.
    const off = decide(
      input(identity, result('DOCUMENT', { face: 'FACE_NOT_CHECKED' })),
      DEFAULT_POLICY,
      NOW,
    );
    expect([off?.status, off?.report.documentChecks?.documentFace]).toEqual(['VERIFIED', undefined]);
  });

  it('nationalities that differ: NATIONALITY_MISMATCH, alpha-2 or alpha-3 alike; one missing or no code: not judged', () => {
    const d = verdict(
      result('IDENTITY', {}, { nationality: 'UA' }),
      result('DOCUMENT', {}, { nationality: 'RU' }),
    );
    expect(d?.reasons).toEqual(['NATIONALITY_MISMATCH']);
    expect(
      verdict(result('IDENTITY', {}, { nationality: ' ua' }), result('DOCUMENT', {}, { nationality: 'UA' }))
        ?.status,
    ).toBe('VERIFIED');
    // One country in either code: LTU is LT; UKR is not RU.
    expect(
      verdict(result('IDENTITY', {}, { nationality: 'UKR' }), result('DOCUMENT', {}, { nationality: 'UA' }))
        ?.status,
    ).toBe('VERIFIED');
    expect(
      verdict(result('IDENTITY', {}, { nationality: 'UKR' }), result('DOCUMENT', {}, { nationality: 'RU' }))
        ?.reasons,
    ).toEqual(['NATIONALITY_MISMATCH']);
    // A name of a country is no code: not judged (iDenfy sends codes).
    expect(
      verdict(
        result('IDENTITY', {}, { nationality: 'Ukraine' }),
        result('DOCUMENT', {}, { nationality: 'RU' }),
      )?.status,
    ).toBe('VERIFIED');
    const off: DecisionPolicy = {
      ...DEFAULT_POLICY,
      policyVersion: 'no-nationality',
      compareNationality: false,
    };
    expect(
      decide(
        input(result('IDENTITY', {}, { nationality: 'UA' }), result('DOCUMENT', {}, { nationality: 'RU' })),
        off,
        NOW,
      )?.status,
    ).toBe('VERIFIED');
  });

  it('a date of birth in the future or more than 130 years ago: DATE_OF_BIRTH_IMPLAUSIBLE', () => {
    for (const dob of ['2999-01-01', '2026-06-02', '1896-05-31']) {
      const d = verdict(
        result('IDENTITY', {}, { dateOfBirth: dob }),
        result('DOCUMENT', {}, { dateOfBirth: dob }),
      );
      expect([dob, d?.status, d?.reasons]).toEqual([dob, 'REQUIRES_REVIEW', ['DATE_OF_BIRTH_IMPLAUSIBLE']]);
    }
    // Today and exactly 130 years ago are possible.
    for (const dob of ['2026-06-01', '1896-06-01']) {
      const d = verdict(
        result('IDENTITY', {}, { dateOfBirth: dob }),
        result('DOCUMENT', {}, { dateOfBirth: dob }),
      );
      expect([dob, d?.status]).toEqual([dob, 'VERIFIED']);
    }
    // A claimed date of birth is judged too.
    const claimed = verdict(result('IDENTITY'), result('DOCUMENT'), {
      claimed: { dateOfBirth: '2999-01-01' },
    });
    expect(claimed?.reasons).toContain('DATE_OF_BIRTH_IMPLAUSIBLE');
  });

  it('a day/month slip in a date of birth is a mismatch, never a match', () => {
    const d = verdict(
      result('IDENTITY', {}, { dateOfBirth: '1990-03-04' }),
      result('DOCUMENT', {}, { dateOfBirth: '1990-04-03' }),
    );
    expect([d?.status, d?.reasons]).toEqual(['REQUIRES_REVIEW', ['DATE_OF_BIRTH_MISMATCH']]);
    expect(d?.report.pairs['identity~document']?.dateOfBirth?.method).toBe('day-month-swapped');
    const year = verdict(
      result('IDENTITY', {}, { dateOfBirth: '1990-03-04' }),
      result('DOCUMENT', {}, { dateOfBirth: '1991-03-04' }),
    );
    expect(year?.reasons).toEqual(['DATE_OF_BIRTH_MISMATCH']);
  });

  it('an expired identity document: DOCUMENT_VALIDITY_EXPIRED (a missing date is left to iDenfy)', () => {
    const d = verdict(result('IDENTITY', {}, { expiryDate: '2026-06-01' }), result('DOCUMENT'));
    expect(d?.reasons).toEqual(['DOCUMENT_VALIDITY_EXPIRED']);
    expect(d?.report.documentChecks?.identityValidity).toEqual({ expiryDate: '2026-06-01', valid: false });
    expect(verdict(result('IDENTITY', {}, { expiryDate: null }), result('DOCUMENT'))?.status).toBe(
      'VERIFIED',
    );
  });

  it('a name with a homoglyph: NAME_SCRIPT_MIXED, even when it folds into the other name', () => {
    const d = verdict(
      result('IDENTITY', {}, { firstName: '\u0420AUL' }),
      result('DOCUMENT', {}, { firstName: 'RAUL' }),
    );
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual(expect.arrayContaining(['NAME_SCRIPT_MIXED', 'FIRST_NAME_PARTIAL_MATCH']));
  });

  it('the policy may reject on an integrity finding instead of reviewing it', () => {
    const strict: DecisionPolicy = {
      ...DEFAULT_POLICY,
      policyVersion: 'strict',
      onIntegrityFailure: 'REJECTED',
    };
    const d = decide(
      input(result('IDENTITY'), result('DOCUMENT'), { documentSeenForAnotherClient: true }),
      strict,
      NOW,
    );
    expect(d?.status).toBe('REJECTED');
  });

  it('odd document fields still decide and nothing throws', () => {
    const odd = {
      numberDigest: null,
      documentDigest: null,
      issuingCountry: ' de ',
      nationality: '<<',
      documentType: ' id_card ',
    };
    const d = verdict(result('IDENTITY', {}, odd), result('DOCUMENT', {}, { nationality: '' }));
    expect(d?.status).toBe('VERIFIED');
  });
});

describe('proof of address (docs/decisions.md, "Proof of address")', () => {
  const CLAIM = 'Gedimino pr. 9-3, Vilnius';
  const withProof = (address: string | null, extra: Partial<SessionResult> = {}) =>
    result('DOCUMENT', {
      additionalStep: { status: 'VALID', steps: ['UTILITY_BILL'] },
      proofOfAddress: address === null ? null : { address, comparison: null },
      ...extra,
    });
  const judge = (document: SessionResult, address: string | undefined = CLAIM) =>
    decide(input(result('IDENTITY'), document, { claimed: { address } }), DEFAULT_POLICY, NOW);

  it('the same address written differently: VERIFIED, the report says so', () => {
    const d = judge(withProof('GEDIMINO PROSPEKTAS 9 butas 3, LT-01103 Vilnius, Lietuva'));
    expect(d?.status).toBe('VERIFIED');
    expect(d?.report.documentChecks?.proofOfAddress).toEqual({
      claimed: CLAIM,
      address: 'GEDIMINO PROSPEKTAS 9 butas 3, LT-01103 Vilnius, Lietuva',
      verdict: 'MATCH',
      differs: [],
      idenfyComparison: null,
      tags: [],
    });
  });

  it.each([
    ['another flat', withProof('Gedimino pr. 9-4, Vilnius'), ['ADDRESS_MISMATCH']],
    [
      "iDenfy's comparison NOT_MATCH, ours a match",
      withProof(null, { proofOfAddress: { address: CLAIM, comparison: 'NOT_MATCH' } }),
      ['ADDRESS_MISMATCH'],
    ],
    [
      "iDenfy's comparison NOT_MATCH, nothing read: the mismatch alone",
      withProof(null, { proofOfAddress: { address: null, comparison: 'NOT_MATCH' } }),
      ['ADDRESS_MISMATCH'],
    ],
    [
      "iDenfy's tag UTILITY_ADDRESS",
      withProof(CLAIM, { mismatchTags: ['UTILITY_ADDRESS'] }),
      ['ADDRESS_MISMATCH'],
    ],
    [
      'the proof names someone else',
      withProof(CLAIM, { mismatchTags: ['UTILITY_NAME'] }),
      ['ADDRESS_PROOF_NAME_MISMATCH'],
    ],
    ['too old', withProof(CLAIM, { mismatchTags: ['EXPIRED_UTILITY_BILL'] }), ['ADDRESS_PROOF_TOO_OLD']],
    ['no address read from it, nor compared', withProof(null), ['FIELD_MISSING']],
  ])('%s: REQUIRES_REVIEW', (_what, document, reasons) => {
    const d = judge(document);
    expect(d?.status).toBe('REQUIRES_REVIEW');
    expect(d?.reasons).toEqual(reasons);
  });

  it("no address read, but iDenfy compared it and says MATCH: iDenfy's comparison stands", () => {
    const d = judge(withProof(null, { proofOfAddress: { address: null, comparison: 'MATCH' } }));
    expect(d?.status).toBe('VERIFIED');
  });

  it('no claimed address: the proof is recorded, not judged', () => {
    const d = decide(input(result('IDENTITY'), withProof('Anywhere 1, Kaunas')), DEFAULT_POLICY, NOW);
    expect(d?.status).toBe('VERIFIED');
    expect(d?.report.documentChecks?.proofOfAddress?.verdict).toBe('NOT_CLAIMED');
    expect(d?.report.documentChecks?.proofOfAddress?.address).toBe('Anywhere 1, Kaunas');
  });

  it('a claimed address and no proof of address asked for: nothing judged', () => {
    const d = judge(result('DOCUMENT'));
    expect(d?.status).toBe('VERIFIED');
    expect(d?.report.documentChecks?.proofOfAddress).toBeUndefined();
  });

  it('ADDITIONAL_STEP: the proof on the identity session is judged too', () => {
    const identity = result('IDENTITY', {
      additionalStep: { status: 'VALID', steps: ['UTILITY_BILL'] },
      proofOfAddress: { address: 'Gedimino pr. 11, Vilnius', comparison: null },
    });
    const d = decide(
      input(identity, undefined, { method: 'ADDITIONAL_STEP', claimed: { address: CLAIM } }),
      DEFAULT_POLICY,
      NOW,
    );
    expect(d?.reasons).toEqual(['ADDITIONAL_DOCUMENT_NEEDS_REVIEW', 'ADDRESS_MISMATCH']);
  });
});
