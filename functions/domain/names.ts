/**
 * Name comparison the way documents write names. Pure: no I/O, no AWS.
 *
 * A name is folded into candidate spellings (one per transliteration convention), cleaned of what
 * documents vary on (case, apostrophes, hyphens, commas, MRZ fillers, repeated spaces), and compared:
 *   exact / transliteration / token-set / truncation → MATCH
 *   given-name subset, similarity (one letter off)    → PARTIAL (a person decides)
 *   anything else                                     → MISMATCH
 * Similarity never yields MATCH: JON/JOHN, SMITH/SMYTHE, KOWALSKI/KOWALSKA are different names.
 */
import { jaroWinkler } from '@skyra/jaro-winkler';
import { CONVENTIONS, type Convention } from './transliteration';
import type { FieldCheck } from './types';

const COMBINING_MARKS = /\p{M}+/gu;
/** Separators documents use between name parts (the MRZ filler `<` included). */
const SEPARATORS = /[\s\-‐‑‒–—,.<_/]+/gu;
/** Apostrophes vanish: O'BRIEN, OBRIEN and O BRIEN are written for the same person. */
const APOSTROPHES = /['’‘`´ʼʻ]/gu;
/** Anything that is still not a letter, a digit or a space after folding. */
const LEFTOVER = /[^\p{L}\p{N} ]/gu;

/** Shortest folded name (in characters) that may have been cut to fit the MRZ. */
export const MIN_TRUNCATED_LENGTH = 15;
/** At or above this Jaro-Winkler similarity, a near miss is PARTIAL (review), below it MISMATCH. */
export const SIMILARITY_PARTIAL = 0.85;

function mapChars(s: string, table: Readonly<Record<string, string>>): string {
  let out = '';
  for (const ch of s) out += table[ch] ?? ch;
  return out;
}

function foldWith(upper: string, c: Convention): string {
  let s = c.stripMarksFirst ? upper.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC') : upper;
  for (const [pattern, replacement] of c.before ?? []) s = s.replace(pattern, replacement);
  for (const table of c.tables) s = mapChars(s, table);
  // Again after the marks are gone: letters such as Ӑ are in no table composed, only as their base.
  s = s.normalize('NFD').replace(COMBINING_MARKS, '');
  for (const table of c.tables) s = mapChars(s, table);
  s = mapChars(s, c.after);
  return s.replace(APOSTROPHES, '').replace(SEPARATORS, ' ').replace(LEFTOVER, '').replace(/ +/g, ' ').trim();
}

/**
 * Candidate spellings of a name, the plain folding first. Empty when nothing is left (no name).
 * Idempotent on its first candidate: folding a folded name changes nothing.
 */
export function nameCandidates(input: string | null | undefined): string[] {
  if (typeof input !== 'string') return [];
  const upper = input.normalize('NFKC').toUpperCase().normalize('NFC');
  const out: string[] = [];
  for (const c of CONVENTIONS) {
    const folded = foldWith(upper, c);
    if (folded && !out.includes(folded)) out.push(folded);
  }
  return out;
}

/** The plain folding (marks dropped), as shown in reports; null when there is no name. */
export function foldName(input: string | null | undefined): string | null {
  return nameCandidates(input)[0] ?? null;
}

const tokens = (s: string) => s.split(' ').filter(Boolean);
const round = (x: number) => Math.round(x * 1000) / 1000;

type Found = { check: FieldCheck; rank: number };

/** One pair of candidate spellings: what relation holds, best first. */
function relate(a: string, b: string, transliterated: boolean): Found {
  const check = (verdict: FieldCheck['verdict'], score: number, method: string, rank: number): Found => ({
    check: { verdict, score: round(score), method, compared: [a, b] },
    rank,
  });
  if (a === b) return check('MATCH', 1, transliterated ? 'transliteration' : 'exact', 0);
  const ta = tokens(a);
  const tb = tokens(b);
  // Compound names joined, hyphenated or spaced (VAN DER BERG / VANDERBERG), or the same names in another order.
  if (ta.join('') === tb.join('') || [...ta].sort().join(' ') === [...tb].sort().join(' ')) {
    return check('MATCH', 1, 'token-set', 1);
  }
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= MIN_TRUNCATED_LENGTH && long.startsWith(short)) {
    return check('MATCH', short.length / long.length, 'truncation', 2);
  }
  const sa = new Set(ta);
  const sb = new Set(tb);
  const common = [...sa].filter((t) => sb.has(t)).length;
  if (common > 0 && (common === sa.size || common === sb.size)) {
    return check('PARTIAL', common / new Set([...ta, ...tb]).size, 'given-name-subset', 3);
  }
  const similarity = jaroWinkler(a, b);
  if (similarity >= SIMILARITY_PARTIAL) return check('PARTIAL', similarity, 'similarity', 4);
  return check('MISMATCH', similarity, 'different', 5);
}

/** Compares two names as written on two documents (or a claim and a document). Symmetric. */
export function compareNames(a: string | null | undefined, b: string | null | undefined): FieldCheck {
  const ca = nameCandidates(a);
  const cb = nameCandidates(b);
  if (ca.length === 0 || cb.length === 0) {
    return { verdict: 'MISSING', score: 0, method: 'missing', compared: [ca[0] ?? null, cb[0] ?? null] };
  }
  let best: Found | undefined;
  for (const [i, x] of ca.entries()) {
    for (const [j, y] of cb.entries()) {
      const found = relate(x, y, i > 0 || j > 0);
      if (
        !best ||
        found.rank < best.rank ||
        (found.rank === best.rank && found.check.score > best.check.score)
      ) {
        best = found;
      }
    }
  }
  const result = (best as Found).check;
  // Report the plain foldings unless another convention decided the match.
  return result.verdict === 'MATCH' ? result : { ...result, compared: [ca[0] ?? null, cb[0] ?? null] };
}
