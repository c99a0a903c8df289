/** The decision policy from configuration (JSON), checked key by key; defaults fill what is left out. */

import * as z from 'zod/mini';
import { DEFAULT_POLICY, type DecisionPolicy } from '../domain/policy';
import './zod';

const outcome = z.enum(['REQUIRES_REVIEW', 'REJECTED']);
const policySchema = z.strictObject({
  policyVersion: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  comparedFields: z.optional(
    z
      .array(z.enum(['firstName', 'lastName', 'dateOfBirth']))
      .check(z.minLength(1, 'must name at least one field')),
  ),
  onPartial: z.optional(outcome),
  onMismatch: z.optional(outcome),
  onMissing: z.optional(outcome),
  compareClaimedData: z.optional(z.boolean()),
  onIntegrityFailure: z.optional(outcome),
  compareNationality: z.optional(z.boolean()),
});

/** Throws an error naming each bad key. */
export function parsePolicy(input: string | object | undefined): DecisionPolicy {
  if (input === undefined || input === '') return DEFAULT_POLICY;
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new Error('decisionPolicy: not valid JSON');
    }
  }
  const parsed = policySchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${['decisionPolicy', ...i.path].join('.')}: ${i.message}`,
    );
    throw new Error(problems.join('; '));
  }
  // A changed policy must say so: decisions record the version they were made under.
  const changed = Object.keys(parsed.data).some((k) => k !== 'policyVersion');
  if (changed && !parsed.data.policyVersion)
    throw new Error('decisionPolicy.policyVersion: required when the policy changes');
  return { ...DEFAULT_POLICY, ...parsed.data } as DecisionPolicy;
}
