/** Field comparisons between two people (claim or document). Pure. */
import { isCyrillicOriginCountry } from './countries';
import { compareNames, fillsMrzNameField, type NameEvidence } from './names';
import { parseIsoDate } from './normalise';
import { hasCyrillic } from './scripts';
import type { ComparedField, FieldCheck, PersonData } from './types';

const RANK: Record<FieldCheck['verdict'], number> = { MATCH: 0, PARTIAL: 1, MISMATCH: 2, MISSING: 3 };

/**
 * A name field of a person: its Latin form, and the original-script form as evidence when the document
 * prints one that agrees with its own Latin (or the Latin is missing). An original that contradicts
 * its own Latin proves nothing and is left out.
 */
function spellings(latin: string | null | undefined, original: string | null | undefined): (string | null)[] {
  const hasLatin = Boolean(latin?.trim());
  const hasOriginal = Boolean(original?.trim());
  if (!hasOriginal) return [hasLatin ? (latin as string) : null];
  if (!hasLatin) return [original as string];
  return compareNames(latin, original).verdict === 'MATCH'
    ? [latin as string, original as string]
    : [latin as string];
}

/** The best relation between any spelling of one field and any of the other (Latin first on ties). */
function compareField(a: (string | null)[], b: (string | null)[], evidence: NameEvidence): FieldCheck {
  let best: FieldCheck | undefined;
  for (const x of a) {
    for (const y of b) {
      const c = compareNames(x, y, evidence);
      if (!best || RANK[c.verdict] < RANK[best.verdict]) best = c;
    }
  }
  return best as FieldCheck;
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

/**
 * Names written from Cyrillic: one is printed in Cyrillic, or the document's issuing country or
 * nationality writes names from Cyrillic (`countries.ts`, sources in docs/decisions.md).
 */
export function cyrillicOrigin(p: PersonData): boolean {
  const names = [p.firstName, p.lastName, p.originalFirstName, p.originalLastName];
  return (
    names.some(hasCyrillic) ||
    isCyrillicOriginCountry(p.issuingCountry) ||
    isCyrillicOriginCountry(p.nationality)
  );
}

export function comparePeople(
  a: PersonData,
  b: PersonData,
  fields: readonly ComparedField[],
): Partial<Record<ComparedField, FieldCheck>> {
  const out: Partial<Record<ComparedField, FieldCheck>> = {};
  const firstA = spellings(a.firstName, a.originalFirstName);
  const lastA = spellings(a.lastName, a.originalLastName);
  const firstB = spellings(b.firstName, b.originalFirstName);
  const lastB = spellings(b.lastName, b.originalLastName);
  // Truncation is believed only where a document's MRZ name field is exactly full; a claim has no MRZ.
  const origin = cyrillicOrigin(a) || cyrillicOrigin(b);
  const evidence: NameEvidence = {
    aFillsMrz: a.fromDocument === true && fillsMrzNameField(a.lastName, a.firstName),
    bFillsMrz: b.fromDocument === true && fillsMrzNameField(b.lastName, b.firstName),
    cyrillicOrigin: origin,
  };
  if (fields.includes('firstName')) out.firstName = compareField(firstA, firstB, evidence);
  if (fields.includes('lastName')) out.lastName = compareField(lastA, lastB, evidence);
  if (
    out.firstName &&
    out.lastName &&
    (out.firstName.verdict !== 'MATCH' || out.lastName.verdict !== 'MATCH')
  ) {
    // First and last name written the other way round: the same names, but a person should look.
    const crossFirst = compareField(firstA, lastB, { cyrillicOrigin: origin });
    const crossLast = compareField(lastA, firstB, { cyrillicOrigin: origin });
    if (crossFirst.verdict === 'MATCH' && crossLast.verdict === 'MATCH') {
      out.firstName = { ...crossFirst, verdict: 'PARTIAL', score: 0.5, method: 'swapped' };
      out.lastName = { ...crossLast, verdict: 'PARTIAL', score: 0.5, method: 'swapped' };
    }
  }
  if (fields.includes('dateOfBirth')) out.dateOfBirth = compareDates(a.dateOfBirth, b.dateOfBirth);
  return out;
}
