/** Reads the golden name corpus and scores the matcher on it (used by `npm run eval:names` and a unit test). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparePeople } from '../functions/domain/match';
import type { PersonData, Verdict } from '../functions/domain/types';

export type Label = 'SAME' | 'DIFFERENT' | 'TOLERABLE' | 'EITHER';

export interface CorpusPair {
  line: number;
  category: string;
  label: Label;
  a: PersonData;
  b: PersonData;
  note: string;
}

export const CORPUS_PATH = join(__dirname, '..', 'test', 'fixtures', 'names-corpus.tsv');

/** `X` → Latin field; `org:X` → original-script field; `-|org:X` → Latin field empty, original X. */
function nameField(raw: string): { latin: string | null; original: string | null } {
  const [latin, original] = raw.includes('|') ? raw.split('|') : [raw, undefined];
  if (latin?.startsWith('org:')) return { latin: null, original: latin.slice(4) };
  return { latin: latin === '-' ? null : (latin ?? null), original: original?.replace(/^org:/, '') ?? null };
}

function person(first: string, last: string, country: string | undefined): PersonData {
  const f = nameField(first);
  const l = nameField(last);
  // Both sides of a corpus pair are documents (so an MRZ may have cut a name), issued where `countries` says.
  return {
    firstName: f.latin,
    originalFirstName: f.original,
    lastName: l.latin,
    originalLastName: l.original,
    fromDocument: true,
    ...(country ? { issuingCountry: country, nationality: country } : {}),
  };
}

export function readCorpus(path = CORPUS_PATH): CorpusPair[] {
  const pairs: CorpusPair[] = [];
  for (const [i, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('category\t')) continue;
    const [category = '', label = '', af = '', al = '', bf = '', bl = '', note = '', countries = ''] =
      line.split('\t');
    if (!['SAME', 'DIFFERENT', 'TOLERABLE', 'EITHER'].includes(label))
      throw new Error(`line ${i + 1}: bad label ${label}`);
    if (countries && !/^[A-Z]{2}\/[A-Z]{2}$/.test(countries))
      throw new Error(`line ${i + 1}: countries must be written XX/YY`);
    const [ca, cb] = countries ? countries.split('/') : [];
    pairs.push({
      line: i + 1,
      category,
      label: label as Label,
      a: person(af, al, ca),
      b: person(bf, bl, cb),
      note,
    });
  }
  return pairs;
}

export interface Scored extends CorpusPair {
  accepted: boolean;
  verdicts: { firstName: Verdict; lastName: Verdict };
}

/** A pair is accepted when both names MATCH (dates are compared separately and exactly). */
export function score(pairs: CorpusPair[]): Scored[] {
  return pairs.map((p) => {
    const c = comparePeople(p.a, p.b, ['firstName', 'lastName']);
    const verdicts = {
      firstName: c.firstName?.verdict ?? 'MISSING',
      lastName: c.lastName?.verdict ?? 'MISSING',
    };
    return { ...p, verdicts, accepted: verdicts.firstName === 'MATCH' && verdicts.lastName === 'MATCH' };
  });
}

/**
 * iDenfy's guide: `identity.docFirstName === document.docFirstName && …docLastName` (iDenfy's
 * doc fields are upper-case, so the corpus' mixed case is upper-cased first, in the baseline's favour).
 */
export function baselineAccepts(p: CorpusPair): boolean {
  const name = (latin?: string | null, original?: string | null) =>
    (latin ?? original ?? null)?.toUpperCase();
  return (
    name(p.a.firstName, p.a.originalFirstName) === name(p.b.firstName, p.b.originalFirstName) &&
    name(p.a.lastName, p.a.originalLastName) === name(p.b.lastName, p.b.originalLastName)
  );
}

export function summary(scored: Scored[]) {
  const same = scored.filter((s) => s.label === 'SAME');
  const different = scored.filter((s) => s.label === 'DIFFERENT');
  return {
    pairs: scored.length,
    same: same.length,
    sameMatched: same.filter((s) => s.accepted).length,
    honestToReview: same.filter((s) => !s.accepted),
    different: different.length,
    falseAccepts: different.filter((s) => s.accepted),
    tolerable: scored.filter((s) => s.label === 'TOLERABLE').length,
    either: scored.filter((s) => s.label === 'EITHER').length,
  };
}
