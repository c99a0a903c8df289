/**
 * How one physical document is recognised across sessions and clients. Pure.
 *
 * Documents print numbers with spaces, dashes and MRZ fillers (`AB 123456<`, `ab-123456`), so a number
 * is compared in one normal form: NFKC, upper case, letters and digits only. A document is its issuing
 * country (one code for `DE`, `DEU` and `D`: `countries.ts`) and its number, whatever type a session
 * labelled it: an ID card shown again as a "permit" is the same card. The number alone recognises one
 * card that two sessions read within one verification. None of these is ever stored as is: the
 * application keeps keyed hashes of them (`document-digests.ts`).
 */
import { countryCode } from './countries';

/** The number in its normal form, or null when nothing of it is left. */
export function normaliseDocumentNumber(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const n = raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
  return n.length > 0 ? n : null;
}

/** A country as a code where it is one, else its letters (a missing country still identifies a document with its number). */
function country(raw: string | null | undefined): string {
  const code = countryCode(raw);
  if (code) return code;
  return typeof raw === 'string'
    ? `?${raw
        .normalize('NFKC')
        .toUpperCase()
        .replace(/[^\p{L}]/gu, '')}`
    : '';
}

/** Upper case, trimmed, or '' when unknown: the parts of the key written before the type was dropped. */
function asWritten(raw: string | null | undefined): string {
  return typeof raw === 'string' ? raw.normalize('NFKC').trim().toUpperCase() : '';
}

/**
 * The strings that are hashed, none without a number:
 *  - `number`   `N|number`: one card read twice in one verification;
 *  - `document` `C|country|number`: the binding key, one document whatever its label;
 *  - `legacy`   `D|type|country|number`: the binding key before this release, as the country was
 *    written; bindings written then are still looked up under it until their retention ends.
 */
export function documentIdentity(doc: {
  number?: string | null;
  type?: string | null;
  issuingCountry?: string | null;
}): { number: string; document: string; legacy: string } | null {
  const number = normaliseDocumentNumber(doc.number);
  if (!number) return null;
  return {
    number: `N|${number}`,
    document: `C|${country(doc.issuingCountry)}|${number}`,
    legacy: `D|${asWritten(doc.type)}|${asWritten(doc.issuingCountry)}|${number}`,
  };
}
