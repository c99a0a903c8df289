/**
 * The plans a deployment offers (docs/plans.md): the built-in ones, made of the configuration keys
 * that shaped verifications before plans (so nothing changes for a deployment that names no plan),
 * and the deployment's own (context `plans`, JSON), checked at synth and again at cold start with
 * every problem named by plan and field.
 */
import * as z from 'zod/mini';
import { idenfyAdditionalSteps, type Plan, type PlanStep } from '../domain/plans';
import { DOCUMENT_TYPES } from './schemas';
import './zod';

/** What the built-in plans are made of (the keys that configured verifications before plans). */
export interface PlanBase {
  identityDocumentTypes: string[];
  allowedDocumentTypes: string[];
  documentSessionFaceCheck: boolean;
  /** iDenfy's additionalSteps for the one-session plan; the account default when absent. */
  additionalSteps?: Record<string, unknown>;
}

/** The plans' JSON travels in the token function's environment, which Lambda caps at 4 KB in all. */
export const PLANS_MAX_CHARS = 2048;
/** What the flow runs today: the identity session and at most one document session after it. */
export const MAX_STEPS_RUN = 2;

const stepSchema = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[a-z][a-z0-9-]{0,29}$/, 'must be 1-30 of a-z, 0-9 and -, starting with a letter')),
  kind: z.enum(['IDENTITY', 'DOCUMENT'], { error: 'must be IDENTITY or DOCUMENT' }),
  documentTypes: z
    .array(z.enum(DOCUMENT_TYPES, { error: `must be one of ${DOCUMENT_TYPES.join(', ')}` }))
    .check(z.minLength(1, 'must name at least one type'), z.maxLength(10)),
  faceCheck: z.optional(z.boolean()),
  additionalSteps: z.optional(
    z.record(
      z.string().check(z.regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an iDenfy step name such as UTILITY_BILL')),
      z.looseObject({
        type: z.enum(['UPLOAD', 'EXTRACT', 'COMPARE'], { error: 'must be UPLOAD, EXTRACT or COMPARE' }),
      }),
    ),
  ),
});

const planSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'must be 1-50 of a-z, 0-9 and -')),
  version: z.number().check(z.int(), z.minimum(1, 'must be a whole number ≥ 1')),
  steps: z
    .array(stepSchema)
    .check(z.minLength(1, 'must have at least one step'), z.maxLength(4, 'at most 4 steps')),
});

/** The built-in plans (docs/plans.md), made of the deployment's keys. */
export function builtInPlans(base: PlanBase): Plan[] {
  const identity: PlanStep = { id: 'identity', kind: 'IDENTITY', documentTypes: base.identityDocumentTypes };
  const permit: PlanStep = {
    id: 'permit',
    kind: 'DOCUMENT',
    documentTypes: base.allowedDocumentTypes,
    ...(base.documentSessionFaceCheck ? { faceCheck: true } : {}),
  };
  return [
    { id: 'two-documents', version: 1, steps: [identity, permit] },
    {
      id: 'additional-step',
      version: 1,
      steps: [{ ...identity, ...(base.additionalSteps ? { additionalSteps: base.additionalSteps } : {}) }],
    },
    {
      id: 'with-proof-of-address',
      version: 1,
      steps: [
        identity,
        { ...permit, additionalSteps: idenfyAdditionalSteps({ UTILITY_BILL: { type: 'EXTRACT' } }) },
      ],
    },
  ];
}

/**
 * The plans on offer, by id: the built-in ones, then the deployment's own (one with a built-in's id
 * replaces it). Throws one error naming every problem (`plans[<id>].steps.1.documentTypes: …`).
 */
export function resolvePlans(
  raw: string | undefined,
  base: PlanBase,
  defaultPlan: string,
): Map<string, Plan> {
  const plans = new Map(builtInPlans(base).map((p) => [p.id, p]));
  const problems: string[] = [];
  if (raw !== undefined && raw !== '') {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error('plans: not valid JSON');
    }
    if (raw.length > PLANS_MAX_CHARS)
      problems.push(
        `plans: at most ${PLANS_MAX_CHARS} characters of JSON (it travels in the function's environment)`,
      );
    if (!Array.isArray(value)) throw new Error('plans: must be a JSON array of plans');
    const seen = new Set<string>();
    value.forEach((entry: unknown, i) => {
      const name = `plans[${typeof (entry as { id?: unknown })?.id === 'string' ? (entry as { id: string }).id : i}]`;
      const parsed = planSchema.safeParse(entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          problems.push(`${[name, ...issue.path].join('.')}: ${issue.message}`);
        return;
      }
      const plan = parsed.data;
      if (seen.has(plan.id)) problems.push(`${name}: the id is given twice`);
      seen.add(plan.id);
      problems.push(...stepProblems(name, plan.steps));
      plans.set(plan.id, {
        ...plan,
        steps: plan.steps.map(({ additionalSteps, ...step }) => ({
          ...step,
          ...(additionalSteps ? { additionalSteps: idenfyAdditionalSteps(additionalSteps) } : {}),
        })),
      });
    });
  }
  if (!plans.has(defaultPlan))
    problems.push(`defaultPlan: no plan "${defaultPlan}" (known: ${[...plans.keys()].join(', ')})`);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return plans;
}

/** What the schema cannot say: the order of kinds, unique ids, what the flow runs today. */
function stepProblems(name: string, steps: z.infer<typeof stepSchema>[]): string[] {
  const problems: string[] = [];
  steps.forEach((step, i) => {
    const at = `${name}.steps.${i}`;
    if (i === 0 && step.kind !== 'IDENTITY') problems.push(`${at}.kind: the first step must be IDENTITY`);
    if (i > 0 && step.kind !== 'DOCUMENT') problems.push(`${at}.kind: only the first step is IDENTITY`);
    if (step.kind === 'IDENTITY' && step.faceCheck !== undefined)
      problems.push(`${at}.faceCheck: only for a DOCUMENT step (the identity step always takes a selfie)`);
    if (steps.findIndex((s) => s.id === step.id) !== i)
      problems.push(`${at}.id: "${step.id}" is given twice`);
  });
  if (steps.length > MAX_STEPS_RUN)
    problems.push(
      `${name}.steps: at most ${MAX_STEPS_RUN} for now (the identity step and one document step; more is issue 24)`,
    );
  const [identity, document] = steps;
  const shared = document?.documentTypes.filter((t) => identity?.documentTypes.includes(t)) ?? [];
  if (shared.length > 0)
    problems.push(
      `${name}.steps.1.documentTypes: ${shared.join(', ')} is the identity step's too (one document would count twice)`,
    );
  return problems;
}
