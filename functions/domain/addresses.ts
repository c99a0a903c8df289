/**
 * A claimed address against the address on a proof of address, compared the way people write
 * addresses (docs/decisions.md, "Proof of address"). Pure.
 *
 * Both sides are read into parts: the house numbers, the flat numbers, the postcode and the words
 * (street, city). Writing differs in case, punctuation, spacing, diacritics (`ü`, `ue`, `u`), the
 * order of the parts and the abbreviations of Lithuanian, German, Polish and English addresses
 * (`pr.` prospektas, `Str.` Straße, `ul.` ulica, `St` Street…). What makes two addresses different
 * never gives way: another house or flat number, another word of the street or city. Only a part one
 * side leaves out entirely is tolerated: the postcode, the country, the kind of street (`Gedimino 9`
 * is `Gedimino pr. 9`).
 *
 * What fools it (and why it is accepted): a street whose name differs only by a German `ue`/`u`
 * (`Buchweg`/`Buechweg`) reads as one; two streets of one name that differ only by kind, when one
 * side leaves the kind out (`Main 5` matches `Main Road 5` and `Main Street 5`, never both at once).
 */

export type AddressVerdict = 'MATCH' | 'MISMATCH' | 'MISSING';

export interface AddressCheck {
  verdict: AddressVerdict;
  /** The parts that differ: `house`, `flat`, `postcode`, `words`; empty for a match. */
  differs: string[];
}

interface Parts {
  houses: string[];
  flats: string[];
  postcode: string | null;
  words: string[];
  kinds: string[];
}

/** Abbreviations and spellings of a kind of street, by what they stand for. */
const KINDS: Record<string, string[]> = {
  street: ['street', 'st', 'str', 'strasse', 'gatve', 'g', 'ulica', 'ul'],
  avenue: ['avenue', 'ave', 'av', 'prospektas', 'pr', 'allee', 'aleja', 'al', 'aleje'],
  road: ['road', 'rd', 'plentas'],
  square: ['square', 'sq', 'platz', 'plac', 'aikste'],
  lane: ['lane', 'ln', 'skersgatvis', 'skg', 'gasse'],
  way: ['way', 'weg'],
  drive: ['drive', 'dr'],
  estate: ['osiedle', 'os'],
  ring: ['ring'],
  damm: ['damm'],
};
const KIND_OF = new Map(Object.entries(KINDS).flatMap(([kind, forms]) => forms.map((f) => [fold(f), kind])));

/** Words that mark the next number as a flat (and are not part of the address's words). */
const FLAT_MARKS = foldAll([
  'flat',
  'apt',
  'apartment',
  'unit',
  'butas',
  'b',
  'bt',
  'm',
  'mieszkanie',
  'lok',
  'lokal',
  'wohnung',
  'whg',
]);
/** Marks before a house number (`nr. 5`, `No 5`, `namas 5`): dropped. */
const HOUSE_MARKS = foldAll(['nr', 'no', 'namas', 'nam', 'haus', 'house', 'dom']);

/** Countries written out, in the languages of the addresses we see first: a side may leave it out. */
const COUNTRIES = foldAll([
  'lithuania',
  'lietuva',
  'litauen',
  'litwa',
  'germany',
  'deutschland',
  'niemcy',
  'vokietija',
  'poland',
  'polska',
  'polen',
  'lenkija',
  'united kingdom',
  'uk',
  'gb',
  'great britain',
  'england',
  'latvia',
  'latvija',
]);

/** Cities with an English and a local name. */
const CITY_NAMES = new Map(
  Object.entries({
    warsaw: 'warszawa',
    cracow: 'kraków',
    munich: 'münchen',
    cologne: 'köln',
    nuremberg: 'nürnberg',
    wilno: 'vilnius',
    kowno: 'kaunas',
  }).map(([english, local]) => [fold(english), fold(local)]),
);

/** Lower case, no diacritics, German `ae/oe/ue` as their umlauts, letters the decomposition keeps as they are. */
function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ł/g, 'l')
    .replace(/[øö]/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/đ/g, 'd')
    .replace(/(?<=[a-z])([aou])e/g, '$1');
}

function foldAll(words: string[]): Set<string> {
  return new Set(words.map(fold));
}

const POSTCODE_PATTERNS = [
  // LT-01103, D-10115, PL 00-950 (a country prefix then the code).
  /\b(?:lt|d|de|pl)[\s-](\d{2}-\d{3}|\d{5})\b/,
  // Polish 00-950 before its city: before house-flat forms, which it would otherwise look like.
  /\b(\d{2}-\d{3})\s+(?=[a-z])/,
  // UK: SW1A 1AA, M1 1AE.
  /\b([a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2})\b/,
  // Lithuanian and German five digits.
  /\b(\d{5})\b/,
];

function parts(raw: string): Parts {
  let s = fold(raw);
  let postcode: string | null = null;
  for (const pattern of POSTCODE_PATTERNS) {
    const m = pattern.exec(s);
    if (m?.[1]) {
      postcode = m[1].replace(/[\s-]/g, '');
      s = s.replace(m[0], ' ');
      break;
    }
  }
  const houses: string[] = [];
  const flats: string[] = [];
  // House-flat written together: 12-3, 12/3, 12a-3 (the second is the flat).
  s = s.replace(/\b(\d+[a-z]?)\s*[-/]\s*(\d+[a-z]?)\b/g, (_m, house: string, flat: string) => {
    houses.push(house);
    flats.push(flat);
    return ' ';
  });
  // A letter written apart from its number (12 a, 12-a), unless it marks a flat (5 b. 3: butas 3).
  s = s.replace(/\b(\d+)\s*-?\s*([a-z])\b(?!\.?\s*\d)/g, '$1$2');
  const tokens = s
    .replace(/[.,;:()"'’`/\\#-]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const words: string[] = [];
  const kinds: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (FLAT_MARKS.has(t) && /^\d/.test(tokens[i + 1] ?? '')) {
      flats.push(tokens[i + 1] as string);
      i += 1;
    } else if (HOUSE_MARKS.has(t) && /^\d/.test(tokens[i + 1] ?? '')) {
      houses.push(tokens[i + 1] as string);
      i += 1;
    } else if (/^\d/.test(t)) houses.push(t);
    else if (KIND_OF.has(t)) kinds.push(KIND_OF.get(t) as string);
    else if (t.endsWith('strasse') && t.length > 7) {
      // Goethestraße is Goethe Straße.
      words.push(t.slice(0, -7));
      kinds.push('street');
    } else if (t.endsWith('str') && t.length > 5 && !KIND_OF.has(t)) {
      words.push(t.slice(0, -3));
      kinds.push('street');
    } else if (!COUNTRIES.has(t)) words.push(CITY_NAMES.get(t) ?? t);
  }
  // Country names of two words.
  const joined = ` ${words.join(' ')} `;
  const kept = [...COUNTRIES]
    .filter((c) => c.includes(' '))
    .reduce((w, c) => w.replace(` ${c} `, ' '), joined);
  return { houses, flats, postcode, words: kept.trim().split(/\s+/).filter(Boolean), kinds };
}

const sameMultiset = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');

/** The claimed address against the proof's; MISSING when either has nothing to compare. */
export function compareAddresses(
  claimed: string | null | undefined,
  proof: string | null | undefined,
): AddressCheck {
  if (!claimed?.trim() || !proof?.trim()) return { verdict: 'MISSING', differs: [] };
  const a = parts(claimed);
  const b = parts(proof);
  if (a.words.length === 0 || b.words.length === 0) return { verdict: 'MISSING', differs: [] };
  const differs: string[] = [];
  if (!sameMultiset(a.houses, b.houses)) differs.push('house');
  if (!sameMultiset(a.flats, b.flats)) differs.push('flat');
  if (a.postcode && b.postcode && a.postcode !== b.postcode) differs.push('postcode');
  if (!sameMultiset(a.words, b.words)) differs.push('words');
  if (a.kinds.length > 0 && b.kinds.length > 0 && !sameMultiset(a.kinds, b.kinds)) differs.push('kind');
  return { verdict: differs.length === 0 ? 'MATCH' : 'MISMATCH', differs };
}
