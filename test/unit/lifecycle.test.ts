import {
  daysUntil,
  expiringNoticeAt,
  expiryReasons,
  nextDue,
  nextErasureAttempt,
  reconcile,
  reviewTransition,
  SESSION_GRACE_MS,
  sessionDeadline,
} from '../../functions/domain/lifecycle';
import type { SessionResult } from '../../functions/domain/types';

const r = (final: boolean): SessionResult => ({
  role: 'IDENTITY',
  scanRef: 's',
  overall: 'APPROVED',
  final,
  document: {},
  fraudTags: [],
  mismatchTags: [],
  resultVersion: 1,
});

describe('lifecycle (pure)', () => {
  it('a session deadline is the later token expiry plus the grace for an open session', () => {
    expect(sessionDeadline('2026-01-01T10:00:00.000Z').getTime()).toBe(
      Date.parse('2026-01-01T10:00:00.000Z') + SESSION_GRACE_MS,
    );
    expect(sessionDeadline('2026-01-01T10:00:00.000Z', '2026-01-01T11:30:00.000Z').toISOString()).toBe(
      new Date(Date.parse('2026-01-01T11:30:00.000Z') + SESSION_GRACE_MS).toISOString(),
    );
  });

  it.each([
    ['APPROVED', 'result'],
    ['DENIED', 'result'],
    ['SUSPECTED', 'result'],
    ['REVIEWING', 'reviewing'],
    ['ACTIVE', 'abandoned'],
    ['EXPIRED', 'abandoned'],
    ['EXPIRED-DELETED', 'abandoned'],
    [undefined, 'abandoned'],
  ])('/status %s means %s', (status, meaning) => {
    expect(reconcile(status)).toBe(meaning);
  });

  it('names the first silent session of the flow when it expires', () => {
    expect(expiryReasons('TWO_SESSIONS', undefined, undefined)).toEqual(['IDENTITY_SESSION_EXPIRED']);
    expect(expiryReasons('TWO_SESSIONS', r(false), undefined)).toEqual(['IDENTITY_SESSION_EXPIRED']);
    expect(expiryReasons('TWO_SESSIONS', r(true), undefined)).toEqual(['DOCUMENT_SESSION_EXPIRED']);
    expect(expiryReasons('TWO_SESSIONS', r(true), { ...r(false), role: 'DOCUMENT' })).toEqual([
      'DOCUMENT_SESSION_EXPIRED',
    ]);
    expect(expiryReasons('ADDITIONAL_STEP', undefined, undefined)).toEqual(['IDENTITY_SESSION_EXPIRED']);
  });

  it('only REQUIRES_REVIEW can be reviewed; the verdict leads the reasons, the old ones stay', () => {
    expect(reviewTransition('REQUIRES_REVIEW', 'APPROVE', ['LAST_NAME_PARTIAL_MATCH'])).toEqual({
      status: 'VERIFIED',
      reasons: ['MANUAL_REVIEW_APPROVED', 'LAST_NAME_PARTIAL_MATCH'],
    });
    expect(reviewTransition('REQUIRES_REVIEW', 'REJECT', [])).toEqual({
      status: 'REJECTED',
      reasons: ['MANUAL_REVIEW_REJECTED'],
    });
    for (const status of ['PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED'] as const) {
      expect(reviewTransition(status, 'APPROVE', [])).toBeUndefined();
    }
  });

  it('announces an expiring document the configured days before, and counts the days left', () => {
    expect(expiringNoticeAt('2027-03-31', 30)?.toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect(expiringNoticeAt(null, 30)).toBeNull();
    expect(expiringNoticeAt('31/03/2027', 30)).toBeNull();
    expect(daysUntil('2027-03-31', new Date('2027-03-01T00:00:00.000Z'))).toBe(30);
  });

  it('retries erasure at iDenfy at 15 min, doubling, at most daily', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    const delay = (n: number) => nextErasureAttempt(n, now).getTime() - now.getTime();
    expect(delay(1)).toBe(15 * 60_000);
    expect(delay(2)).toBe(30 * 60_000);
    expect(delay(20)).toBe(24 * 3600_000);
  });

  it('next due: deadline while pending (later if iDenfy is reviewing), the notice once verified, erasure retries', () => {
    const base = {
      identityExpiresAt: '2026-01-01T10:00:00.000Z',
      erased: false,
      expiringNotified: false,
      noticeDays: 30,
    };
    expect(nextDue({ ...base, status: 'PENDING' })).toEqual(sessionDeadline(base.identityExpiresAt));
    expect(
      nextDue({ ...base, status: 'PENDING', reviewingUntil: '2026-01-05T00:00:00.000Z' })?.toISOString(),
    ).toBe('2026-01-05T00:00:00.000Z');
    expect(nextDue({ ...base, status: 'VERIFIED', documentExpiresOn: '2027-03-31' })?.toISOString()).toBe(
      '2027-03-01T00:00:00.000Z',
    );
    expect(
      nextDue({ ...base, status: 'VERIFIED', documentExpiresOn: '2027-03-31', expiringNotified: true }),
    ).toBeNull();
    expect(nextDue({ ...base, status: 'REJECTED' })).toBeNull();
    expect(
      nextDue({
        ...base,
        status: 'VERIFIED',
        erased: true,
        erasurePendingUntil: '2026-02-01T00:00:00.000Z',
      })?.toISOString(),
    ).toBe('2026-02-01T00:00:00.000Z');
    expect(
      nextDue({ ...base, status: 'VERIFIED', documentExpiresOn: '2027-03-31', erased: true }),
    ).toBeNull();
  });
});
