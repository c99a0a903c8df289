/**
 * How one physical document is recognised across sessions and clients. Pure.
 *
 * Documents print numbers with spaces, dashes and MRZ fillers (`AB 123456<`, `ab-123456`), so a number
 * is compared in one normal form: NFKC, upper case, letters and digits only. The identity of a
 * document is (type, issuing country, number) in that form; the number alone recognises one card that
 * two sessions classified differently. Neither is ever stored as is: the application keeps keyed
 * hashes of these strings (`document-digests.ts`).
 */

/** The number in its normal form, or null when nothing of it is left. */
export function normaliseDocumentNumber(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const n = raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
  return n.length > 0 ? n : null;
}

/** Upper case, trimmed, or '' when unknown (a missing country still identifies a document with its number). */
function part(raw: string | null | undefined): string {
  return typeof raw === 'string' ? raw.normalize('NFKC').trim().toUpperCase() : '';
}

/** The strings that are hashed: `N|number` and `D|type|country|number`; none without a number. */
export function documentIdentity(doc: {
  number?: string | null;
  type?: string | null;
  issuingCountry?: string | null;
}): { number: string; document: string } | null {
  const number = normaliseDocumentNumber(doc.number);
  if (!number) return null;
  return { number: `N|${number}`, document: `D|${part(doc.type)}|${part(doc.issuingCountry)}|${number}` };
}
