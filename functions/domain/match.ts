/** Field comparisons between two people (claim or document). Pure. */
import { foldName, nameTokens, parseIsoDate } from './normalise';
import type { ComparedField, FieldCheck, PersonData } from './types';

function latinOrOriginal(latin: string | null | undefined, original: string | null | undefined) {
  return foldName(latin) ?? foldName(original);
}

export function compareNames(a: string | null, b: string | null): FieldCheck {
  if (a == null || b == null) return { verdict: 'MISSING', score: 0, method: 'missing', compared: [a, b] };
  if (a === b) return { verdict: 'MATCH', score: 1, method: 'exact', compared: [a, b] };
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  // Joined vs spaced compound names (VAN DER BERG / VANDERBERG) are the same letters in the same order.
  if (ta.join('') === tb.join(''))
    return { verdict: 'MATCH', score: 1, method: 'token-set', compared: [a, b] };
  const sa = new Set(ta);
  const sb = new Set(tb);
  const common = [...sa].filter((t) => sb.has(t)).length;
  const jaccard = common / new Set([...sa, ...sb]).size;
  if (common === sa.size && common === sb.size) {
    return { verdict: 'MATCH', score: 1, method: 'token-set', compared: [a, b] };
  }
  if (common > 0 && (common === sa.size || common === sb.size)) {
    return { verdict: 'PARTIAL', score: round(jaccard), method: 'given-name-subset', compared: [a, b] };
  }
  return { verdict: 'MISMATCH', score: round(jaccard), method: 'different', compared: [a, b] };
}

export function compareDates(aRaw: string | null | undefined, bRaw: string | null | undefined): FieldCheck {
  const a = parseIsoDate(aRaw);
  const b = parseIsoDate(bRaw);
  if (a == null || b == null) return { verdict: 'MISSING', score: 0, method: 'missing', compared: [a, b] };
  if (a === b) return { verdict: 'MATCH', score: 1, method: 'exact', compared: [a, b] };
  const swapped =
    a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7);
  return {
    verdict: 'MISMATCH',
    score: 0,
    method: swapped ? 'day-month-swapped' : 'different',
    compared: [a, b],
  };
}

export function comparePeople(
  a: PersonData,
  b: PersonData,
  fields: readonly ComparedField[],
): Partial<Record<ComparedField, FieldCheck>> {
  const out: Partial<Record<ComparedField, FieldCheck>> = {};
  for (const field of fields) {
    if (field === 'dateOfBirth') out.dateOfBirth = compareDates(a.dateOfBirth, b.dateOfBirth);
    if (field === 'firstName')
      out.firstName = compareNames(
        latinOrOriginal(a.firstName, a.originalFirstName),
        latinOrOriginal(b.firstName, b.originalFirstName),
      );
    if (field === 'lastName')
      out.lastName = compareNames(
        latinOrOriginal(a.lastName, a.originalLastName),
        latinOrOriginal(b.lastName, b.originalLastName),
      );
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
