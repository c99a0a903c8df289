/**
 * Verification plans (docs/plans.md): which documents one verification collects, in order. The
 * first step is the identity session (a selfie and an identity document), each later step one
 * more document session. Pure.
 */
import type { Method } from './types';

export type AdditionalStepType = 'UPLOAD' | 'EXTRACT' | 'COMPARE';

export interface PlanStep {
  /** Unique within its plan (e.g. `identity`, `permit`): the report and the events name steps by it. */
  id: string;
  kind: 'IDENTITY' | 'DOCUMENT';
  /** The document types this step's session may read (its token's `documents`). */
  documentTypes: string[];
  /** A DOCUMENT step takes a selfie too, matched to this document's portrait. */
  faceCheck?: boolean;
  /** iDenfy's additional steps on this step's session, in iDenfy's own form (`{country: {docType: {STEP: {type}}}}`). */
  additionalSteps?: Record<string, unknown>;
}

export interface Plan {
  id: string;
  /** Bumped by whoever changes the plan: a verification keeps the version it started with. */
  version: number;
  steps: PlanStep[];
}

export interface PlanRef {
  id: string;
  version: number;
}

/** The plans the two methods of iDenfy's guide are: `method` on a start names one of them. */
export const METHOD_PLANS: Record<Method, string> = {
  TWO_SESSIONS: 'two-documents',
  ADDITIONAL_STEP: 'additional-step',
};

/** The flow a plan runs: one session with its additional steps, or the identity session then a document session. */
export function methodOf(plan: Pick<Plan, 'steps'>): Method {
  return plan.steps.length === 1 ? 'ADDITIONAL_STEP' : 'TWO_SESSIONS';
}

/** The plan a verification started with; one written before plans ran its method's built-in plan, version 1. */
export function planOf(v: { plan?: PlanRef; method: Method }): PlanRef {
  return v.plan ?? { id: METHOD_PLANS[v.method], version: 1 };
}

export interface StepRef {
  id: string;
  kind: PlanStep['kind'];
}

/** A verification's steps in plan order; one written before plans has its method's built-in steps. */
export function stepsOf(v: { planSteps?: StepRef[]; method: Method }): StepRef[] {
  if (v.planSteps) return v.planSteps;
  const identity: StepRef = { id: 'identity', kind: 'IDENTITY' };
  return v.method === 'TWO_SESSIONS' ? [identity, { id: 'permit', kind: 'DOCUMENT' }] : [identity];
}

/** iDenfy's additionalSteps for a plan's short form (step name → its settings), for every country and document type. */
export function idenfyAdditionalSteps(
  steps: Record<string, { type: AdditionalStepType }> | undefined,
): Record<string, unknown> | undefined {
  return steps && Object.keys(steps).length > 0 ? { ALL: { ALL: steps } } : undefined;
}

/** Whether iDenfy's additionalSteps (`{country: {docType: {STEP: {type}}}}`) include a proof of address. */
export function asksForProofOfAddress(additionalSteps: Record<string, unknown> | undefined): boolean {
  return Object.values(additionalSteps ?? {}).some(
    (byDocType) =>
      typeof byDocType === 'object' &&
      byDocType !== null &&
      Object.values(byDocType).some(
        (steps) => typeof steps === 'object' && steps !== null && 'UTILITY_BILL' in steps,
      ),
  );
}
