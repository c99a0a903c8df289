/**
 * Name comparison the way documents write names. Pure: no I/O, no AWS.
 *
 * A name is folded into candidate spellings (one per transliteration convention, and a Cyrillic name
 * under every recognised system), cleaned of what documents vary on (case, apostrophes, hyphens,
 * commas, MRZ fillers, repeated spaces), and compared, best relation first:
 *   exact / transliteration                        → MATCH
 *   token-set: the same words in another order, or
 *     one side written without spaces (VAN DER BERG / VANDERBERG)  → MATCH
 *   transliteration-variant: both Latin spellings come from one Cyrillic spelling under two
 *     recognised systems (IULIIA / YULIYA; `transliteration-variants.ts`), and either document
 *     is of Cyrillic origin (evidence.cyrillicOrigin)   → MATCH
 *   truncation: the shorter is a prefix that exactly fills its document's MRZ name field
 *     (ICAO 9303: 30, 31 or 39 characters for PRIMARY<<SECONDARY)   → MATCH
 *   given-name subset, prefix without that evidence, similarity    → PARTIAL (a person decides)
 *   anything else                                  → MISMATCH
 * Similarity never yields MATCH: JON/JOHN, SMITH/SMYTHE, KOWALSKI/KOWALSKA are different names. Two
 * spaced names split differently (ANNA MARIA / ANNAM ARIA) are not re-joined. A word that mixes
 * alphabets (`scripts.ts`) is never a MATCH and is flagged.
 */
import { jaroWinkler } from '@skyra/jaro-winkler';
import { hasCyrillic, hasMixedScriptWord } from './scripts';
import { CONVENTIONS, type Convention } from './transliteration';
import { cyrillicRenderings, transliterationVariant } from './transliteration-variants';
import type { FieldCheck } from './types';

const COMBINING_MARKS = /\p{M}+/gu;
/** Separators documents use between name parts (the MRZ filler `<` included). */
const SEPARATORS = /[\s\-‐‑‒–—,.<_/]+/gu;
/** Apostrophes vanish: O'BRIEN, OBRIEN and O BRIEN are written for the same person. */
const APOSTROPHES = /['’‘`´ʼʻ]/gu;
/** Anything that is still not a letter, a digit or a space after folding. */
const LEFTOVER = /[^\p{L}\p{N} ]/gu;

/** ICAO 9303 name-field capacities (TD1, TD2, TD3/MRV-A): a name cut to fit fills one exactly. */
export const MRZ_NAME_CAPACITIES = [30, 31, 39] as const;
/** A prefix shorter than this is not even a PARTIAL hint (initials are compared by a person anyway). */
const MIN_PREFIX_LENGTH = 4;
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
  // A wholly Cyrillic name: also as every recognised system writes it (GOST, MVD, BGN/PCGN, Ukraine 2010).
  if (hasCyrillic(upper) && !/[\p{Script=Latin}\p{Script=Greek}]/u.test(upper)) {
    for (const rendered of cyrillicRenderings(upper))
      if (rendered && !out.includes(rendered)) out.push(rendered);
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

/** What the documents say beyond the names themselves. */
export interface NameEvidence {
  /** Each side's document: its MRZ name field is exactly full (so a name may have been cut). */
  aFillsMrz?: boolean;
  bFillsMrz?: boolean;
  /**
   * Either side writes a name transliterated from Cyrillic (`match.ts` decides from the scripts and the
   * documents' countries): only then may two Latin spellings be generations of one Cyrillic name.
   * Two German documents' MEYER and MEIER are two families, whatever Russian passports once did.
   */
  cyrillicOrigin?: boolean;
}

/** One pair of candidate spellings: what relation holds, best first. */
function relate(
  a: string,
  b: string,
  transliterated: boolean,
  evidence: NameEvidence,
  variants: boolean,
): Found {
  const check = (verdict: FieldCheck['verdict'], score: number, method: string, rank: number): Found => ({
    check: { verdict, score: round(score), method, compared: [a, b] },
    rank,
  });
  if (a === b) return check('MATCH', 1, transliterated ? 'transliteration' : 'exact', 0);
  const ta = tokens(a);
  const tb = tokens(b);
  // The same names in another order, or one side written without spaces (VAN DER BERG / VANDERBERG);
  // never two spaced names split differently (ANNA MARIA / ANNAM ARIA).
  const joinable = (ta.length === 1 || tb.length === 1) && ta.join('') === tb.join('');
  if (joinable || [...ta].sort().join(' ') === [...tb].sort().join(' ')) {
    return check('MATCH', 1, 'token-set', 1);
  }
  if (variants && transliterationVariant(a, b)) return check('MATCH', 1, 'transliteration-variant', 2);
  const aShorter = a.length <= b.length;
  const [short, long] = aShorter ? [a, b] : [b, a];
  if (short.length >= MIN_PREFIX_LENGTH && long.startsWith(short)) {
    const fills = aShorter ? evidence.aFillsMrz : evidence.bFillsMrz;
    if (fills) return check('MATCH', short.length / long.length, 'truncation', 3);
  }
  const sa = new Set(ta);
  const sb = new Set(tb);
  const common = [...sa].filter((t) => sb.has(t)).length;
  if (common > 0 && (common === sa.size || common === sb.size)) {
    return check('PARTIAL', common / new Set([...ta, ...tb]).size, 'given-name-subset', 4);
  }
  if (short.length >= MIN_PREFIX_LENGTH && long.startsWith(short)) {
    // A prefix the MRZ does not explain: JOHANN / JOHANNES are two names.
    return check('PARTIAL', short.length / long.length, 'prefix', 5);
  }
  const similarity = jaroWinkler(a, b);
  if (similarity >= SIMILARITY_PARTIAL) return check('PARTIAL', similarity, 'similarity', 6);
  return check('MISMATCH', similarity, 'different', 7);
}

/**
 * Compares two names as written on two documents (or a claim and a document). Symmetric (swap the
 * evidence with the names).
 */
export function compareNames(
  a: string | null | undefined,
  b: string | null | undefined,
  evidence: NameEvidence = {},
): FieldCheck {
  const ca = nameCandidates(a);
  const cb = nameCandidates(b);
  if (ca.length === 0 || cb.length === 0) {
    return { verdict: 'MISSING', score: 0, method: 'missing', compared: [ca[0] ?? null, cb[0] ?? null] };
  }
  // Variants are a relation between Latin spellings of a Cyrillic-origin name; a name written in
  // Cyrillic is compared through its renderings.
  const latin = !hasCyrillic(a) && !hasCyrillic(b) && evidence.cyrillicOrigin === true;
  let best: Found | undefined;
  for (const [i, x] of ca.entries()) {
    for (const [j, y] of cb.entries()) {
      const found = relate(x, y, i > 0 || j > 0, evidence, latin && i === 0 && j === 0);
      if (
        !best ||
        found.rank < best.rank ||
        (found.rank === best.rank && found.check.score > best.check.score)
      ) {
        best = found;
      }
    }
  }
  let result = (best as Found).check;
  if (hasMixedScriptWord(a) || hasMixedScriptWord(b)) {
    // A homoglyph (Cyrillic Р in a Latin name) folds into another name: never a match, always flagged.
    result = {
      ...result,
      verdict: result.verdict === 'MATCH' ? 'PARTIAL' : result.verdict,
      method: result.verdict === 'MATCH' ? 'mixed-script' : result.method,
      scriptMixed: true,
    };
  }
  // Report the plain foldings unless another convention decided the match.
  return result.verdict === 'MATCH' ? result : { ...result, compared: [ca[0] ?? null, cb[0] ?? null] };
}

/** Whether a document's names, as its MRZ writes them (PRIMARY<<SECONDARY), fill a name field exactly. */
export function fillsMrzNameField(
  lastName: string | null | undefined,
  firstName: string | null | undefined,
): boolean {
  const lasts = nameCandidates(lastName);
  const firsts = nameCandidates(firstName);
  for (const last of lasts) {
    if (firsts.length === 0 && (MRZ_NAME_CAPACITIES as readonly number[]).includes(last.length)) return true;
    for (const first of firsts) {
      if ((MRZ_NAME_CAPACITIES as readonly number[]).includes(last.length + 2 + first.length)) return true;
    }
  }
  return false;
}
