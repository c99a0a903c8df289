/**
 * How documents write names in Latin letters. Issuers choose differently (Ü as UE on one document, U on
 * another; Я as IA under ICAO, YA on an older passport), so a name is folded into a small set of
 * candidate spellings, one per convention, and two names match when any candidates are equal.
 *
 * Sources: ICAO Doc 9303 Part 3 (8th ed., 2021) §6 "Transliteration of multinational characters"
 * (Latin table, Cyrillic table, Greek table); for the national variants, Russia's pre-2010 passport
 * practice (Й→Y, Ю→YU, Я→YA), Ukraine's 2010 national system (Г→H, И→Y, Є→YE, Ї→YI), the Serbian
 * Latin alphabet, and ELOT 743 for Greek digraphs.
 */

export type Table = Readonly<Record<string, string>>;

/** Letters that Unicode does not decompose, for the convention that simply drops marks (Ø→O, Æ→AE). */
export const PLAIN_LATIN: Table = {
  Æ: 'AE',
  Ø: 'O',
  Œ: 'OE',
  Þ: 'TH',
  Ð: 'D',
  Đ: 'D',
  Ħ: 'H',
  Ł: 'L',
  Ŀ: 'L',
  Ĳ: 'IJ',
  Ŋ: 'N',
  Ŧ: 'T',
  ẞ: 'SS',
};

/** ICAO Latin: letters that documents spell out rather than strip (applied before marks are removed). */
export const ICAO_LATIN: Table = { ...PLAIN_LATIN, Ä: 'AE', Ö: 'OE', Ø: 'OE', Ü: 'UE', Å: 'AA', Ñ: 'N' };

/** ICAO Doc 9303 Part 3, Cyrillic (upper case; composed letters such as Й, Ё, Ї, Ў listed whole). */
export const ICAO_CYRILLIC: Table = {
  А: 'A',
  Б: 'B',
  В: 'V',
  Г: 'G',
  Ґ: 'G',
  Д: 'D',
  Ђ: 'D',
  Ѓ: 'G',
  Е: 'E',
  Ё: 'E',
  Є: 'IE',
  Ж: 'ZH',
  З: 'Z',
  Ѕ: 'DZ',
  И: 'I',
  І: 'I',
  Ї: 'I',
  Й: 'I',
  Ј: 'J',
  К: 'K',
  Л: 'L',
  Љ: 'LJ',
  М: 'M',
  Н: 'N',
  Њ: 'NJ',
  О: 'O',
  П: 'P',
  Р: 'R',
  С: 'S',
  Т: 'T',
  Ћ: 'C',
  Ќ: 'K',
  У: 'U',
  Ў: 'U',
  Ф: 'F',
  Х: 'KH',
  Ц: 'TS',
  Ч: 'CH',
  Џ: 'DZ',
  Ш: 'SH',
  Щ: 'SHCH',
  Ъ: 'IE',
  Ы: 'Y',
  Ь: '',
  Э: 'E',
  Ю: 'IU',
  Я: 'IA',
};

/** Russian passports before ICAO's 2010s table (and many other documents still). */
export const LEGACY_RUSSIAN: Table = {
  ...ICAO_CYRILLIC,
  Ё: 'YO',
  Й: 'Y',
  Ъ: '',
  Ю: 'YU',
  Я: 'YA',
  Э: 'E',
};

/**
 * Ukraine's national system (Cabinet resolution 55/2010), used on Ukrainian passports: Г→H, И→Y, and
 * Є Ї Й Ю Я written YE YI Y YU YA at the start of a word, IE I I IU IA elsewhere (ЮРІЙ → YURII).
 */
export const UKRAINIAN_NATIONAL: Table = { ...ICAO_CYRILLIC, Г: 'H', И: 'Y' };
export const UKRAINIAN_INITIALS: readonly [RegExp, string][] = [
  [/(^|\s)Є/g, '$1YE'],
  [/(^|\s)Ї/g, '$1YI'],
  [/(^|\s)Й/g, '$1Y'],
  [/(^|\s)Ю/g, '$1YU'],
  [/(^|\s)Я/g, '$1YA'],
];

/** Serbian and Macedonian documents print the national Latin alphabet (Ш→Š, Ж→Ž, Ћ→Ć, Х→H, Ц→C), marks then dropped. */
export const SERBIAN_LATIN: Table = {
  ...ICAO_CYRILLIC,
  Ж: 'Z',
  Ћ: 'C',
  Х: 'H',
  Ц: 'C',
  Ч: 'C',
  Џ: 'DZ',
  Ш: 'S',
  Ђ: 'DJ',
};

/** ICAO Doc 9303 Part 3, Greek (marks are stripped first: Ά→Α). */
export const ICAO_GREEK: Table = {
  Α: 'A',
  Β: 'V',
  Γ: 'G',
  Δ: 'D',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'I',
  Θ: 'TH',
  Ι: 'I',
  Κ: 'K',
  Λ: 'L',
  Μ: 'M',
  Ν: 'N',
  Ξ: 'X',
  Ο: 'O',
  Π: 'P',
  Ρ: 'R',
  Σ: 'S',
  Τ: 'T',
  Υ: 'Y',
  Φ: 'F',
  Χ: 'CH',
  Ψ: 'PS',
  Ω: 'O',
};

/**
 * Greek documents' own convention (ELOT 743) for digraphs: ΟΥ→OU, ΑΥ→AV, ΕΥ→EV, ΓΓ→NG, ΓΞ→NX, ΓΧ→NCH,
 * ΜΠ→B at a word's start (ΕΥΑΓΓΕΛΟΣ → EVANGELOS, ΠΑΠΑΔΟΠΟΥΛΟΣ → PAPADOPOULOS).
 */
export const GREEK_DIGRAPHS: readonly [RegExp, string][] = [
  [/ΟΥ/g, 'OU'],
  [/ΑΥ/g, 'AV'],
  [/ΕΥ/g, 'EV'],
  [/ΓΓ/g, 'NG'],
  [/ΓΞ/g, 'NX'],
  [/ΓΧ/g, 'NCH'],
  [/(^|\s)ΜΠ/g, '$1B'],
];

/** The conventions a name is folded under: each a table applied to upper-cased, composed letters. */
export interface Convention {
  name: string;
  /** Drop combining marks before anything else (Greek accents would hide the digraphs). */
  stripMarksFirst?: boolean;
  before?: readonly [RegExp, string][];
  tables: Table[];
  /** Applied after combining marks are removed (letters Unicode does not decompose). */
  after: Table;
}

export const CONVENTIONS: readonly Convention[] = [
  // First: the plain folding shown in reports (marks dropped).
  { name: 'plain', tables: [ICAO_CYRILLIC], after: { ...PLAIN_LATIN, ...ICAO_GREEK } },
  { name: 'icao', tables: [ICAO_LATIN, ICAO_CYRILLIC], after: { ...PLAIN_LATIN, ...ICAO_GREEK } },
  { name: 'russian-legacy', tables: [LEGACY_RUSSIAN], after: { ...PLAIN_LATIN, ...ICAO_GREEK } },
  {
    name: 'ukrainian',
    before: UKRAINIAN_INITIALS,
    tables: [UKRAINIAN_NATIONAL],
    after: { ...PLAIN_LATIN, ...ICAO_GREEK },
  },
  { name: 'serbian-latin', tables: [SERBIAN_LATIN], after: { ...PLAIN_LATIN, ...ICAO_GREEK } },
  {
    name: 'greek-elot',
    stripMarksFirst: true,
    before: GREEK_DIGRAPHS,
    tables: [ICAO_CYRILLIC],
    after: { ...PLAIN_LATIN, ...ICAO_GREEK },
  },
];
