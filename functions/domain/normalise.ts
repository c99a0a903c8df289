/**
 * First name normaliser: folds what documents vary on without changing who is named.
 * Case, diacritics (NFKD + combining marks removed), letters that do not decompose (ß, Ø, Ł, Æ…),
 * apostrophes, hyphens, commas and repeated spaces. The full ICAO 9303 matcher is a later step.
 */

/** Letters that Unicode does not decompose into a base letter + mark. */
const NON_DECOMPOSING: Record<string, string> = {
  ß: 'SS',
  ẞ: 'SS',
  Æ: 'AE',
  æ: 'AE',
  Œ: 'OE',
  œ: 'OE',
  Ø: 'O',
  ø: 'O',
  Ł: 'L',
  ł: 'L',
  Đ: 'D',
  đ: 'D',
  Ð: 'D',
  ð: 'D',
  Þ: 'TH',
  þ: 'TH',
  ı: 'I',
};

const COMBINING_MARKS = /\p{M}+/gu;
/** Separators documents use between name parts (MRZ filler `<` included). */
const SEPARATORS = /[\s\-‐‑‒–—,.<_/]+/gu;
/** Apostrophes vanish: O'BRIEN, OBRIEN and O BRIEN are written for the same person. */
const APOSTROPHES = /['’‘`´ʼ]/gu;

export function foldName(input: string | null | undefined): string | null {
  if (input == null) return null;
  let s = input.normalize('NFKD').replace(COMBINING_MARKS, '');
  s = Array.from(s, (ch) => NON_DECOMPOSING[ch] ?? ch).join('');
  s = s.toUpperCase().replace(APOSTROPHES, '').replace(SEPARATORS, ' ').trim();
  return s.length > 0 ? s : null;
}

export function nameTokens(folded: string): string[] {
  return folded.split(' ').filter((t) => t.length > 0);
}

/** Strict YYYY-MM-DD that is a real calendar date, else null (iDenfy samples carry "YYYY-MM-DD" placeholders). */
export function parseIsoDate(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return input.trim();
}
