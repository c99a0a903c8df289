/**
 * Which alphabet each word of a name is written in. Pure.
 *
 * A word whose letters come from two alphabets (a Cyrillic `А` or Greek `Η` inside a Latin name) is the
 * homoglyph trick of Unicode TS #39 §5.1 ("mixed-script" detection): it looks like one name and folds
 * letter by letter into another (Greek Η reads I, Cyrillic Р reads R). Real documents never print such a
 * word, so it is never a match. Letters of the Common and Inherited scripts (marks, the modifier
 * apostrophe) belong to every alphabet. Han, Hiragana, Katakana and Hangul count as one (UTS #39 allows
 * Japanese and Korean to mix them).
 */

const SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['CJK', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u],
];
const LETTER = /\p{L}/u;
const SHARED = /[\p{Script=Common}\p{Script=Inherited}]/u;
/** What separates the words of a name (as in the folding: spaces, hyphens, commas, dots, MRZ fillers). */
const WORD_SEPARATORS = /[\s\-‐‑‒–—,.<_/]+/u;

function scriptOf(ch: string): string | undefined {
  if (!LETTER.test(ch) || SHARED.test(ch)) return undefined;
  for (const [name, pattern] of SCRIPTS) if (pattern.test(ch)) return name;
  return 'Other';
}

/** The alphabets of one word's letters. */
export function scriptsOf(word: string): Set<string> {
  const found = new Set<string>();
  for (const ch of word.normalize('NFKC')) {
    const s = scriptOf(ch);
    if (s) found.add(s);
  }
  return found;
}

/** True when some word of the name mixes alphabets. */
export function hasMixedScriptWord(name: string | null | undefined): boolean {
  if (typeof name !== 'string') return false;
  return name
    .normalize('NFKC')
    .split(WORD_SEPARATORS)
    .some((word) => scriptsOf(word).size > 1);
}

/** True when the name has a Cyrillic letter (an original-script name, or a Cyrillic word in a Latin field). */
export function hasCyrillic(name: string | null | undefined): boolean {
  return typeof name === 'string' && /\p{Script=Cyrillic}/u.test(name);
}
