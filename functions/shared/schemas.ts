/** Input contracts: the start request (strict) and iDenfy's webhook (tolerant). */

import * as z from 'zod/mini';
import { REVIEW_DECISIONS } from '../domain/lifecycle';
import { parseIsoDate } from '../domain/normalise';
import { METHODS } from '../domain/types';
import './zod';

/** iDenfy's KycDocumentTypeEnum (docs/idenfy-api.md §7.3). */
export const DOCUMENT_TYPES = [
  'ID_CARD',
  'PASSPORT',
  'RESIDENCE_PERMIT',
  'DRIVER_LICENSE',
  'PAN_CARD',
  'AADHAAR',
  'VISA',
  'NATIONAL_PASSPORT',
  'PROVISIONAL_DRIVER_LICENSE',
  'OLD_ID_CARD',
  'MILITARY_CARD',
  'ADDRESS_CARD',
  'SMART_ID',
  'CLEAR',
  'ONE_ID',
  'BANK_ID_SE',
  'BANK_ID_NO',
  'BANK_ID_CZ',
  'FTN',
  'MIT_ID',
  'VERIMI',
  'LA_WALLET',
  'SAMSUNG_WALLET',
  'MOJE_ID_CZ',
  'YOTI_ID',
  'OTHER',
  'BORDER_CROSSING',
  'ASYLUM',
  'PHOTO_CARD',
  'PROOF_OF_AGE_CARD',
  'TRAVEL_CARD',
  'SOCIAL_SECURITY_CARD',
  'VOTER_CARD',
  'DIPLOMATIC_ID',
  'WORK_PERMIT',
  'INTERNATIONAL_PASSPORT',
] as const;

/** iDenfy's `dummyStatus` values (docs/idenfy-api.md, sandbox). */
export const DUMMY_STATUSES = ['APPROVED', 'DENIED', 'SUSPECTED', 'EXPIRED'] as const;

/** iDenfy refuses digits and these symbols in names (docs/idenfy-api.md §2.1). */
const NAME_FORBIDDEN = /[0-9~!@#$%^*()_+={}[\]|:;",<>/?\\]/;

/**
 * The edge's one normalisation: every field a client sends is trimmed and put in Unicode NFC before it
 * is validated, and that normalised value is what is stored and sent to iDenfy (` 1990-01-01` would
 * pass a lenient check and then be refused by iDenfy: a 502 for the client's own input).
 */
const normalised = () => z.string().check(z.trim(), z.normalize('NFC'));

/**
 * What a person cannot see: Unicode format characters (zero-width spaces and joiners, the soft hyphen,
 * bidi controls that make text read backwards) and the other default-ignorable code points (Hangul
 * fillers, variation selectors). A name of them is no name; a note or a reviewer with bidi controls
 * could make an audit line read otherwise than it was written.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const FORMAT = /\p{Cf}/u;
/** The apostrophes name matching drops (functions/domain/names.ts): a name of them alone is no name. */
const APOSTROPHES = /['’‘`´ʼʻ]/gu;

const name = normalised().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(100, 'must be at most 100 characters'),
  z.refine(
    (v) => !NAME_FORBIDDEN.test(v),
    'must not contain digits or the symbols ~!@#$%^*()_+={}[]|:;",<>/?',
  ),
  z.refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters'),
  z.refine((v) => v.isWellFormed(), 'must be well-formed Unicode'),
  z.refine(
    (v) => !INVISIBLE.test(v),
    'must not contain invisible characters (zero-width, soft hyphen, bidi controls, fillers)',
  ),
  z.refine((v) => /\p{L}/u.test(v.replace(APOSTROPHES, '')), 'must contain a letter'),
);

const url = normalised().check(
  z.minLength(5, 'must be at least 5 characters'),
  z.maxLength(2048, 'must be at most 2048 characters'),
  z.refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL'),
);

const clientId = z
  .string({ error: 'is required and must be a string' })
  .check(
    z.trim(),
    z.normalize('NFC'),
    z.regex(/^[\x21-\x7E]{1,100}$/, 'must be 1-100 printable ASCII characters without spaces'),
  );

export const startVerificationSchema = z.strictObject({
  clientId,
  firstName: z.optional(name),
  lastName: z.optional(name),
  dateOfBirth: z.optional(
    normalised().check(
      z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be written YYYY-MM-DD'),
      z.refine((v) => parseIsoDate(v) !== null, 'must be a real date written YYYY-MM-DD'),
    ),
  ),
  // The claimed address, one line: compared with a proof of address (docs/decisions.md). Personal data:
  // stored, sent to iDenfy with the proof-of-address step, never logged or published.
  address: z.optional(
    normalised().check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(255, 'must be at most 255 characters'),
      z.refine((v) => v.isWellFormed() && !/\p{Cc}/u.test(v), 'must be one line without control characters'),
      z.refine(
        (v) => !INVISIBLE.test(v),
        'must not contain invisible characters (zero-width, soft hyphen, bidi controls, fillers)',
      ),
      z.refine((v) => /\p{L}/u.test(v), 'must contain a letter'),
    ),
  ),
  // Absent means TWO_SESSIONS; kept absent here so a repeated start that does not name it claims nothing.
  method: z.optional(z.enum(METHODS)),
  // A plan of this deployment (docs/plans.md); its method's, else the default plan, when absent.
  plan: z.optional(
    z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'must be a plan id (1-50 of a-z, 0-9 and -)')),
  ),
  documentTypes: z.optional(
    z.array(z.enum(DOCUMENT_TYPES)).check(z.minLength(1, 'must name at least one type'), z.maxLength(10)),
  ),
  successUrl: z.optional(url),
  errorUrl: z.optional(url),
  unverifiedUrl: z.optional(url),
  locale: z.optional(
    normalised().check(
      z.regex(/^[a-z]{2}(?:[-_][A-Za-z]{2})?$/, 'must be a language code such as "en" or "en-GB"'),
    ),
  ),
  /**
   * iDenfy's sandbox outcome for each session (its `dummyStatus`: the session ends at once, without a
   * person, and its webhook is sent): the smoke test's. Only on a stack configured for the sandbox.
   */
  sandbox: z.optional(
    z.strictObject({
      identity: z.enum(DUMMY_STATUSES, { error: `must be one of ${DUMMY_STATUSES.join(', ')}` }),
      document: z.optional(z.enum(DUMMY_STATUSES, { error: `must be one of ${DUMMY_STATUSES.join(', ')}` })),
    }),
  ),
});
export type StartVerificationRequest = z.infer<typeof startVerificationSchema>;

/** Free text a person typed: well-formed, no control characters but line breaks and tabs, no format characters. */
const freeText = (max: number) =>
  normalised().check(
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine(
      (v) => v.isWellFormed() && !/[\p{Cc}]/u.test(v.replace(/[\n\r\t]/g, '')),
      'must be well-formed text without control characters',
    ),
    z.refine((v) => !FORMAT.test(v), 'must not contain format characters (bidi controls, zero-width)'),
  );

export const reviewSchema = z.strictObject({
  decision: z.enum(REVIEW_DECISIONS, { error: 'must be APPROVE or REJECT' }),
  reviewer: z
    .string({ error: 'is required and must be a string' })
    .check(
      z.trim(),
      z.normalize('NFC'),
      z.minLength(1, 'must not be empty'),
      z.maxLength(200, 'must be at most 200 characters'),
    )
    .check(
      z.refine((v) => v.isWellFormed() && !/\p{Cc}/u.test(v), 'must not contain control characters'),
      z.refine((v) => !FORMAT.test(v), 'must not contain format characters (bidi controls, zero-width)'),
    ),
  note: z.optional(freeText(2000)),
});
export type ReviewBody = z.infer<typeof reviewSchema>;

/**
 * GET /verifications query: one list — a client's (`clientId`) or the review queue
 * (`status=REQUIRES_REVIEW`) — a page size and the cursor of the previous page.
 */
export const listQuerySchema = z
  .strictObject({
    clientId: z.optional(clientId),
    status: z.optional(
      z.literal('REQUIRES_REVIEW', {
        error: 'only REQUIRES_REVIEW can be listed (the review queue); a client list takes clientId',
      }),
    ),
    limit: z._default(
      z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, 'must be a whole number from 1 to 100')),
      '20',
    ),
    cursor: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,2000}$/, 'not a cursor of this list'))),
  })
  .check(
    z.refine((q) => q.clientId !== undefined || q.status !== undefined, {
      path: ['clientId'],
      message: 'is required (a client list), unless status=REQUIRES_REVIEW asks for the review queue',
    }),
    z.refine((q) => q.clientId === undefined || q.status === undefined, {
      path: ['clientId'],
      message: 'give clientId (a client list) or status=REQUIRES_REVIEW (the review queue), not both',
    }),
  );

/** Text we can store and compare: well-formed Unicode (no lone surrogates), no control characters. */
const storable = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.refine((v) => v.isWellFormed() && !/\p{Cc}/u.test(v), 'must be well-formed text'),
  );

/** A field that may be anything on the wire: wrong types, odd text and placeholders become null, never a rejection. */
const looseString = z.catch(z.nullish(storable(500)), null);
const looseStrings = z.catch(z.nullish(z.array(storable(100)).check(z.maxLength(100))), null);

/**
 * iDenfy's IdentificationWebhook, tolerant: only `scanRef` and `status.overall` are required
 * (docs/architecture.md §2); nulls, unknown keys and odd values elsewhere are accepted.
 */
export const webhookSchema = z.looseObject({
  scanRef: storable(100).check(z.minLength(1)),
  externalRef: looseString,
  clientId: looseString,
  final: z.catch(z.nullish(z.boolean()), null),
  status: z.looseObject({
    overall: storable(50).check(z.minLength(1)),
    fraudTags: looseStrings,
    mismatchTags: looseStrings,
    autoDocument: looseString,
    autoFace: looseString,
    manualDocument: looseString,
    manualFace: looseString,
    additionalSteps: looseString,
  }),
  /** Step name → type (UPLOAD/COMPARE/EXTRACT) for sessions with additional steps (docs/idenfy-api.md §6). */
  additionalSteps: z.catch(z.nullish(z.record(z.string(), z.unknown())), null),
  data: z.catch(
    z.nullish(
      z.looseObject({
        docFirstName: looseString,
        docLastName: looseString,
        orgFirstName: looseString,
        orgLastName: looseString,
        docDob: looseString,
        docExpiry: looseString,
        docType: looseString,
        docNumber: looseString,
        docNationality: looseString,
        docIssuingCountry: looseString,
        manuallyDataChanged: z.catch(z.nullish(z.boolean()), null),
        /** Per additional step, its fields as `{ value, status }`: the proof of address's address. */
        additionalData: z.catch(
          z.nullish(
            z.looseObject({
              UTILITY_BILL: z.catch(
                z.nullish(
                  z.looseObject({
                    address: z.catch(
                      z.nullish(z.looseObject({ value: looseString, status: looseString })),
                      null,
                    ),
                  }),
                ),
                null,
              ),
            }),
          ),
          null,
        ),
      }),
    ),
    null,
  ),
});
export type IdenfyWebhook = z.infer<typeof webhookSchema>;

/** The comparator's work message. */
export const workMessageSchema = z.object({ verificationId: z.string().check(z.minLength(1)) });
