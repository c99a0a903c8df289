/** Field comparisons between two people (claim or document). Pure. */
import { compareNames } from './names';
import { parseIsoDate } from './normalise';
import type { ComparedField, FieldCheck, PersonData } from './types';

/** Latin fields first; the original-script ones when the Latin ones are missing. */
function nameOf(latin: string | null | undefined, original: string | null | undefined): string | null {
  return latin?.trim() ? latin : (original ?? null);
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
  const firstA = nameOf(a.firstName, a.originalFirstName);
  const lastA = nameOf(a.lastName, a.originalLastName);
  const firstB = nameOf(b.firstName, b.originalFirstName);
  const lastB = nameOf(b.lastName, b.originalLastName);
  if (fields.includes('firstName')) out.firstName = compareNames(firstA, firstB);
  if (fields.includes('lastName')) out.lastName = compareNames(lastA, lastB);
  if (
    out.firstName &&
    out.lastName &&
    (out.firstName.verdict !== 'MATCH' || out.lastName.verdict !== 'MATCH')
  ) {
    // First and last name written the other way round: the same names, but a person should look.
    const crossFirst = compareNames(firstA, lastB);
    const crossLast = compareNames(lastA, firstB);
    if (crossFirst.verdict === 'MATCH' && crossLast.verdict === 'MATCH') {
      out.firstName = { ...crossFirst, verdict: 'PARTIAL', score: 0.5, method: 'swapped' };
      out.lastName = { ...crossLast, verdict: 'PARTIAL', score: 0.5, method: 'swapped' };
    }
  }
  if (fields.includes('dateOfBirth')) out.dateOfBirth = compareDates(a.dateOfBirth, b.dateOfBirth);
  return out;
}
