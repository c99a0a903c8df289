/**
 * The events subscribers read, one builder per detail-type, typed by the contract itself
 * (./details.ts is generated from contracts/events/*.schema.json: an event that drifts from its schema
 * does not compile). Thin: statuses, reasons, verdicts and scores; never names, dates of birth,
 * document numbers or file URLs.
 */

import type { ReviewDecision } from '../../domain/lifecycle';
import { planOf, stepsOf } from '../../domain/plans';
import type { FinalStatus, PublicChecks, ReasonCode, SessionResult } from '../../domain/types';
import type { ProviderResultChange, Verification } from '../model';
import type { Sessions } from './details';
import type { OutboxEvent } from './outbox-event';

export function resultFor(results: SessionResult[], role: SessionResult['role'], scanRef: string) {
  return results.find((r) => r.role === role && r.scanRef === scanRef);
}

/** Session summaries for events: statuses and document type only. */
export function eventSessions(v: Verification, results: SessionResult[]): Sessions {
  const identity = resultFor(results, 'IDENTITY', v.identity.scanRef);
  const document = v.document ? resultFor(results, 'DOCUMENT', v.document.scanRef) : undefined;
  return {
    identity: { scanRef: v.identity.scanRef, overall: identity?.overall ?? null },
    document: v.document
      ? {
          scanRef: v.document.scanRef,
          overall: document?.overall ?? null,
          docType: document?.document.documentType ?? null,
        }
      : null,
  };
}

/**
 * Each step of the verification's plan with its session and the latest result (none yet: nulls). The
 * first step is the identity session, the second the document session (the flow runs two at most).
 */
export function stepsView(v: Verification, results: SessionResult[]) {
  return stepsOf(v).map((step, i) => {
    const session = i === 0 ? v.identity : i === 1 ? v.document : undefined;
    const role = step.kind === 'IDENTITY' ? 'IDENTITY' : 'DOCUMENT';
    const r = session ? resultFor(results, role, session.scanRef) : undefined;
    return {
      id: step.id,
      kind: step.kind,
      scanRef: session?.scanRef ?? null,
      overall: r?.overall ?? null,
      final: r?.final ?? false,
      docType: r?.document.documentType ?? null,
      additionalSteps: r?.additionalStep?.steps ?? [],
    };
  });
}

/** The steps as events carry them: no more than a subscriber routes on. */
function eventSteps(v: Verification, results: SessionResult[]) {
  return stepsView(v, results).map(({ id, kind, scanRef, overall, docType }) => ({
    id,
    kind,
    scanRef,
    overall,
    docType,
  }));
}

/** The next version of a verification's events: its stable eventId and the head every detail shares. */
function head(v: Verification) {
  const version = v.version + 1;
  const eventId = `${v.verificationId}#${version}`;
  return {
    version,
    eventId,
    detail: {
      schemaVersion: 1 as const,
      eventId,
      verificationId: v.verificationId,
      clientId: v.clientId,
      method: v.method,
      plan: planOf(v),
    },
  };
}

/** The first move out of PENDING, whichever final status it is. */
export function finalizedEvent(
  v: Verification,
  results: SessionResult[],
  decision: { status: FinalStatus; reasons: ReasonCode[]; checks: PublicChecks },
  decidedAt: string,
  policyVersion: string,
): OutboxEvent {
  const { version, eventId, detail } = head(v);
  return {
    eventId,
    version,
    detailType: 'Verification Finalized',
    detail: {
      ...detail,
      status: decision.status,
      previousStatus: 'PENDING',
      reasons: decision.reasons,
      policyVersion,
      sessions: eventSessions(v, results),
      steps: eventSteps(v, results),
      checks: decision.checks,
      decidedAt,
    },
  };
}

/** A person's review moved REQUIRES_REVIEW to VERIFIED or REJECTED. */
export function reviewedEvent(
  v: Verification,
  results: SessionResult[],
  to: { status: 'VERIFIED' | 'REJECTED'; reasons: ReasonCode[] },
  review: { decision: ReviewDecision; reviewedAt: string },
): OutboxEvent {
  const { version, eventId, detail } = head(v);
  return {
    eventId,
    version,
    detailType: 'Verification Reviewed',
    detail: {
      ...detail,
      status: to.status,
      previousStatus: 'REQUIRES_REVIEW',
      reasons: to.reasons,
      sessions: eventSessions(v, results),
      steps: eventSteps(v, results),
      checks: v.checks ?? {},
      review,
      decidedAt: v.decidedAt ?? review.reviewedAt,
    },
  };
}

/** A verified person's second document expires soon. */
export function documentExpiringEvent(
  v: Verification,
  notice: {
    documentExpiresOn: string;
    daysLeft: number;
    noticeDays: number;
    noticeDueAt: string | null;
  },
): OutboxEvent {
  const { version, eventId, detail } = head(v);
  return {
    eventId,
    version,
    detailType: 'Verification Document Expiring',
    detail: {
      ...detail,
      status: 'VERIFIED',
      documentType: v.report?.documentChecks?.documentType?.value ?? null,
      ...notice,
    },
  };
}

/** iDenfy sent a final result contradicting the decision already made (the status does not move). */
export function providerResultChangedEvent(
  v: Verification & { status: FinalStatus },
  results: SessionResult[],
  change: ProviderResultChange,
): OutboxEvent {
  const { version, eventId, detail } = head(v);
  return {
    eventId,
    version,
    detailType: 'Verification Provider Result Changed',
    detail: {
      ...detail,
      status: v.status,
      previousStatus: v.status,
      reasons: v.reasons,
      sessions: eventSessions(v, results),
      steps: eventSteps(v, results),
      checks: v.checks ?? {},
      decidedAt: v.decidedAt ?? change.at,
      session: change.role,
      overall: change.overall,
      previousOverall: change.previousOverall ?? '',
    },
  };
}
