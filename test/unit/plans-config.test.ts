/** Plans from configuration (functions/shared/plans-config.ts, docs/plans.md): what is refused, named by plan and field. */

import { App } from 'aws-cdk-lib';
import { methodOf } from '../../functions/domain/plans';
import { builtInPlans, resolvePlans } from '../../functions/shared/plans-config';
import { configFromContext } from '../../lib/config';

const BASE = {
  identityDocumentTypes: ['PASSPORT', 'ID_CARD'],
  allowedDocumentTypes: ['RESIDENCE_PERMIT'],
  documentSessionFaceCheck: false,
};
const identity = { id: 'identity', kind: 'IDENTITY', documentTypes: ['PASSPORT'] };
const licence = { id: 'licence', kind: 'DOCUMENT', documentTypes: ['DRIVER_LICENSE'], faceCheck: true };
const plans = (...list: unknown[]) => JSON.stringify(list);

it('the built-in plans are the keys that shaped verifications before plans', () => {
  const built = builtInPlans({
    ...BASE,
    documentSessionFaceCheck: true,
    additionalSteps: { ALL: { ALL: { X: { type: 'UPLOAD' } } } },
  });
  expect(built.map((p) => [p.id, p.version, methodOf(p)])).toEqual([
    ['two-documents', 1, 'TWO_SESSIONS'],
    ['additional-step', 1, 'ADDITIONAL_STEP'],
    ['with-proof-of-address', 1, 'TWO_SESSIONS'],
  ]);
  expect(built[0]?.steps[1]).toEqual({
    id: 'permit',
    kind: 'DOCUMENT',
    documentTypes: ['RESIDENCE_PERMIT'],
    faceCheck: true,
  });
  expect(built[1]?.steps[0]?.additionalSteps).toEqual({ ALL: { ALL: { X: { type: 'UPLOAD' } } } });
  expect(built[2]?.steps[1]?.additionalSteps).toEqual({
    ALL: { ALL: { UTILITY_BILL: { type: 'EXTRACT' } } },
  });
});

it("a deployment's own plan is added (its additional steps in iDenfy's form); one with a built-in's id replaces it", () => {
  const resolved = resolvePlans(
    plans(
      {
        id: 'licence',
        version: 2,
        steps: [identity, { ...licence, additionalSteps: { UTILITY_BILL: { type: 'COMPARE' } } }],
      },
      { id: 'two-documents', version: 3, steps: [identity, { ...licence, id: 'permit' }] },
    ),
    BASE,
    'licence',
  );
  expect([...resolved.keys()]).toEqual([
    'two-documents',
    'additional-step',
    'with-proof-of-address',
    'licence',
  ]);
  expect(resolved.get('licence')?.steps[1]?.additionalSteps).toEqual({
    ALL: { ALL: { UTILITY_BILL: { type: 'COMPARE' } } },
  });
  expect(resolved.get('two-documents')?.version).toBe(3);
});

it.each([
  ['not JSON', '{', /^plans: not valid JSON$/],
  ['not an array', '{"id":"x"}', /^plans: must be a JSON array of plans$/],
  [
    'an id with capitals',
    plans({ id: 'KYC', version: 1, steps: [identity] }),
    /plans\[KYC\]\.id: must be 1-50 of a-z/,
  ],
  [
    'version 0',
    plans({ id: 'a', version: 0, steps: [identity] }),
    /plans\[a\]\.version: must be a whole number ≥ 1/,
  ],
  ['no steps', plans({ id: 'a', version: 1, steps: [] }), /plans\[a\]\.steps: must have at least one step/],
  [
    'five steps',
    plans({ id: 'a', version: 1, steps: [identity, licence, licence, licence, licence] }),
    /plans\[a\]\.steps: at most 4 steps/,
  ],
  [
    'a document step first',
    plans({ id: 'a', version: 1, steps: [licence, identity] }),
    /plans\[a\]\.steps\.0\.kind: the first step must be IDENTITY; plans\[a\]\.steps\.1\.kind: only the first step is IDENTITY/,
  ],
  [
    'an unknown document type',
    plans({ id: 'a', version: 1, steps: [{ ...identity, documentTypes: ['LIBRARY_CARD'] }] }),
    /plans\[a\]\.steps\.0\.documentTypes\.0: must be one of /,
  ],
  [
    'one type in both steps',
    plans({ id: 'a', version: 1, steps: [identity, { ...licence, documentTypes: ['PASSPORT'] }] }),
    /plans\[a\]\.steps\.1\.documentTypes: PASSPORT is the identity step's too/,
  ],
  [
    'a face check on the identity step',
    plans({ id: 'a', version: 1, steps: [{ ...identity, faceCheck: true }] }),
    /plans\[a\]\.steps\.0\.faceCheck: only for a DOCUMENT step/,
  ],
  [
    'a step id twice',
    plans({ id: 'a', version: 1, steps: [identity, { ...licence, id: 'identity' }] }),
    /plans\[a\]\.steps\.1\.id: "identity" is given twice/,
  ],
  [
    'a plan id twice',
    plans({ id: 'a', version: 1, steps: [identity] }, { id: 'a', version: 2, steps: [identity] }),
    /plans\[a\]: the id is given twice/,
  ],
  [
    'an unknown key (a typo)',
    plans({ id: 'a', version: 1, steps: [identity], defualt: true }),
    /plans\[a\]: Unrecognized key/,
  ],
  [
    'an additional step of no known type',
    plans({
      id: 'a',
      version: 1,
      steps: [{ ...identity, additionalSteps: { UTILITY_BILL: { type: 'SCAN' } } }],
    }),
    /plans\[a\]\.steps\.0\.additionalSteps\.UTILITY_BILL\.type: must be UPLOAD, EXTRACT or COMPARE/,
  ],
  [
    'three steps (not run yet)',
    plans({
      id: 'three',
      version: 1,
      steps: [identity, licence, { ...licence, id: 'permit', documentTypes: ['RESIDENCE_PERMIT'] }],
    }),
    /plans\[three\]\.steps: at most 2 for now/,
  ],
  [
    'too long for the environment',
    plans(
      ...Array.from({ length: 30 }, (_, i) => ({ id: `plan-number-${i}`, version: 1, steps: [identity] })),
    ),
    /plans: at most 2048 characters of JSON/,
  ],
])('refuses %s, naming where', (_what, raw, message) => {
  expect(() => resolvePlans(raw, BASE, 'two-documents')).toThrow(message);
});

it('a default plan that does not exist is refused, naming the ones that do', () => {
  expect(() => resolvePlans(undefined, BASE, 'kyc')).toThrow(
    'defaultPlan: no plan "kyc" (known: two-documents, additional-step, with-proof-of-address)',
  );
});

it('is checked at synth with the rest of the configuration', () => {
  const app = new App({
    context: { plans: plans({ id: 'a', version: 1, steps: [licence] }), defaultPlan: 'b' },
  });
  expect(() => configFromContext(app.node)).toThrow(
    /plans\[a\]\.steps\.0\.kind: the first step must be IDENTITY.*defaultPlan: no plan "b"/,
  );
});
