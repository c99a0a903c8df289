/**
 * Latin↔Latin transliteration variants of one Cyrillic name. Pure.
 *
 * Russian passports printed names under several official systems (MVD 310 until 2006, MVD 782 until
 * 2010, GOST R 52535 until 2013, ICAO Doc 9303 since), Ukraine under its national system since 2010, and
 * older documents (and many permits) follow BGN/PCGN. So one person holds ЮЛИЯ as IULIIA on a renewed
 * passport and YULIYA on an older permit, and neither document prints the Cyrillic.
 *
 * Two Latin spellings are variants when **one Cyrillic spelling** produces the first under one
 * recognised system and the second under another system of the same language. We never guess a
 * "sounds alike" relation: ALENA (Алёна) and ELENA (Елена) are different Cyrillic names and stay apart.
 *
 * Algorithm: a search over pairs of positions (i in a, j in b) that guesses the Cyrillic word letter by
 * letter; each guessed letter must produce the next characters of `a` under system 1 and of `b` under
 * system 2 (with the systems' rules for the previous and next letter). Reaching both ends is a proof,
 * with the Cyrillic spelling as the witness. A Cyrillic spelling must be pronounceable as a name: the
 * hard sign only before Е Ё Ю Я, neither sign at a word's start or after a vowel (else ICAO's Ъ→IE would
 * make MARIE a variant of MAR).
 *
 * Tables: the Russian systems are the `iuliia` library's data (ICAO Doc 9303, GOST R 52535, MVD 782,
 * MVD 310, BGN/PCGN); the two Ukrainian ones are ours (ICAO Doc 9303 Part 3 table; Cabinet of Ministers
 * of Ukraine resolution 55 of 2010), in `transliteration.ts`'s style.
 */
import { BGN_PCGN, GOST_52535, ICAO_DOC_9303, MVD_310, MVD_782, type Schema } from 'iuliia';

/** One system: how a Cyrillic letter is written, given its neighbours ('' at a word's edge). */
export interface CyrillicSystem {
  name: string;
  letter(prev: string, curr: string, next: string): string;
}

interface Language {
  alphabet: readonly string[];
  vowels: string;
  systems: readonly CyrillicSystem[];
}

/** Lower-case Latin only: apostrophes, quotes and BGN's dots vanish as they do in our folding. */
function clean(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/е/g, 'e')
    .replace(/[^a-z]/g, '');
}

function fromIuliia(name: string, schema: Schema): CyrillicSystem {
  // Memoised: the search asks for the same few thousand (prev, curr, next) triples again and again.
  const memo = new Map<string, string>();
  return {
    name,
    letter: (prev, curr, next) => {
      const key = `${prev}|${curr}|${next}`;
      let out = memo.get(key);
      if (out === undefined) {
        out = clean(schema.translateLetter(prev, curr, next) ?? '');
        memo.set(key, out);
      }
      return out;
    },
  };
}

const UA_ICAO: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  ґ: 'g',
  д: 'd',
  е: 'e',
  є: 'ie',
  ж: 'zh',
  з: 'z',
  и: 'i',
  і: 'i',
  ї: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ь: '',
  ю: 'iu',
  я: 'ia',
};
/** KMU 55/2010: Г→H, И→Y; Є Ї Й Ю Я are YE YI Y YU YA at a word's start; ЗГ→ZGH. */
const UA_NATIONAL: Record<string, string> = { ...UA_ICAO, г: 'h', и: 'y' };
const UA_NATIONAL_INITIAL: Record<string, string> = { є: 'ye', ї: 'yi', й: 'y', ю: 'yu', я: 'ya' };

const ukrainianIcao: CyrillicSystem = { name: 'icao-uk', letter: (_p, c) => UA_ICAO[c] ?? '' };
const ukrainianNational: CyrillicSystem = {
  name: 'ukraine-2010',
  letter: (prev, curr) => {
    if (prev === '' && UA_NATIONAL_INITIAL[curr]) return UA_NATIONAL_INITIAL[curr] ?? '';
    if (prev === 'з' && curr === 'г') return 'gh';
    return UA_NATIONAL[curr] ?? '';
  },
};

export const LANGUAGES: readonly Language[] = [
  {
    alphabet: [...'абвгдеёжзийклмнопрстуфхцчшщъыьэюя'],
    vowels: 'аеёиоуыэюя',
    systems: [
      fromIuliia('icao-9303', ICAO_DOC_9303),
      fromIuliia('gost-52535', GOST_52535),
      fromIuliia('mvd-782', MVD_782),
      fromIuliia('mvd-310', MVD_310),
      fromIuliia('bgn-pcgn', BGN_PCGN),
    ],
  },
  {
    alphabet: [...'абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'],
    vowels: 'аеєиіїоуюя',
    systems: [ukrainianIcao, ukrainianNational],
  },
];

/** Whether `curr` may follow `prev` (and precede `next`, '' unknown yet) in a name. */
function pronounceable(lang: Language, prev: string, curr: string, next: string | undefined): boolean {
  const sign = curr === 'ь' || curr === 'ъ';
  if (sign && (prev === '' || lang.vowels.includes(prev) || prev === 'ь' || prev === 'ъ')) return false;
  if (curr === 'ъ' && next !== undefined && !'еёюя'.includes(next || '-')) return false;
  if (curr === 'ы' && prev === '') return false;
  return true;
}

type State = { i: number; j: number; prev: string; curr: string };

/** What the search needs to know of a system, learnt once from the system itself. */
interface Shape {
  /** Letters whose spelling depends on the letter after them (MVD 310's ЬЕ, BGN's ТС). */
  nextDependent: Set<string>;
  /** The first Latin letter of each Cyrillic letter's spellings ('' when it can be silent). */
  firsts: Map<string, Set<string>>;
}

const shapes = new WeakMap<CyrillicSystem, Shape>();
function shapeOf(system: CyrillicSystem, lang: Language): Shape {
  let shape = shapes.get(system);
  if (shape) return shape;
  shape = { nextDependent: new Set(), firsts: new Map() };
  // A vowel, a consonant, a hissing consonant and a word's start cover every context the tables name.
  const prevs = ['', 'а', 'б', 'ж', 'ь', 'з', 'е'];
  for (const curr of lang.alphabet) {
    const firsts = new Set<string>();
    for (const prev of prevs) {
      const atEnd = system.letter(prev, curr, '');
      for (const next of ['', ...lang.alphabet]) {
        const out = system.letter(prev, curr, next);
        if (out !== atEnd) shape.nextDependent.add(curr);
        firsts.add(out.slice(0, 1));
      }
    }
    shape.firsts.set(curr, firsts);
  }
  shapes.set(system, shape);
  return shape;
}

/** Whether one Cyrillic spelling gives `a` under `s1` and `b` under `s2` (lower-case Latin, spaces between words). */
function sameSpelling(a: string, b: string, lang: Language, s1: CyrillicSystem, s2: CyrillicSystem): boolean {
  const shape1 = shapeOf(s1, lang);
  const shape2 = shapeOf(s2, lang);
  /** Whether `letter` may start at a[i] and b[j] (a silent spelling fits anywhere). */
  const fits = (letter: string, i: number, j: number) => {
    const f1 = shape1.firsts.get(letter);
    const f2 = shape2.firsts.get(letter);
    return (f1?.has('') || f1?.has(a[i] ?? '-') === true) && (f2?.has('') || f2?.has(b[j] ?? '-') === true);
  };
  const seen = new Set<string>();
  const stack: State[] = [];
  const push = (s: State) => {
    const key = `${s.i},${s.j},${s.prev},${s.curr}`;
    if (!seen.has(key)) {
      seen.add(key);
      stack.push(s);
    }
  };
  const startWord = (i: number, j: number) => {
    for (const first of lang.alphabet) {
      if (pronounceable(lang, '', first, undefined) && fits(first, i, j))
        push({ i, j, prev: '', curr: first });
    }
  };
  startWord(0, 0);
  // A bound far above any real name, so a pathological input cannot make the search run long.
  let budget = 100_000;
  while (stack.length > 0 && budget-- > 0) {
    const { i, j, prev, curr } = stack.pop() as State;
    const dependent = shape1.nextDependent.has(curr) || shape2.nextDependent.has(curr);
    // `curr` is guessed; guess the letter after it (its spelling may depend on it), or end the word.
    const fixed1 = dependent ? '' : s1.letter(prev, curr, '');
    const fixed2 = dependent ? '' : s2.letter(prev, curr, '');
    if (!dependent && (!a.startsWith(fixed1, i) || !b.startsWith(fixed2, j))) continue;
    for (const next of lang.alphabet) {
      if (!pronounceable(lang, prev, curr, next) || !pronounceable(lang, curr, next, undefined)) continue;
      const o1 = dependent ? s1.letter(prev, curr, next) : fixed1;
      const o2 = dependent ? s2.letter(prev, curr, next) : fixed2;
      if (dependent && (!a.startsWith(o1, i) || !b.startsWith(o2, j))) continue;
      if (fits(next, i + o1.length, j + o2.length)) {
        push({ i: i + o1.length, j: j + o2.length, prev: curr, curr: next });
      }
    }
    if (!pronounceable(lang, prev, curr, '')) continue;
    const o1 = s1.letter(prev, curr, '');
    const o2 = s2.letter(prev, curr, '');
    if (!a.startsWith(o1, i) || !b.startsWith(o2, j)) continue;
    const ai = i + o1.length;
    const bj = j + o2.length;
    if (ai === a.length && bj === b.length) return true;
    if (a[ai] === ' ' && b[bj] === ' ') startWord(ai + 1, bj + 1);
  }
  return false;
}

/**
 * The two systems under which one Cyrillic spelling gives both folded Latin names (A–Z and single
 * spaces), e.g. `mvd-310~icao-9303`; undefined when there is none. Symmetric up to the order of the pair.
 */
export function transliterationVariant(a: string, b: string): string | undefined {
  if (a === b || !/^[A-Z]+(?: [A-Z]+)*$/.test(a) || !/^[A-Z]+(?: [A-Z]+)*$/.test(b)) return undefined;
  if (a.split(' ').length !== b.split(' ').length) return undefined;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  for (const lang of LANGUAGES) {
    for (const s1 of lang.systems) {
      for (const s2 of lang.systems) {
        if (s1 !== s2 && sameSpelling(la, lb, lang, s1, s2)) return `${s1.name}~${s2.name}`;
      }
    }
  }
  return undefined;
}

/** A Cyrillic name written under every recognised system (upper case), for comparing an original-script field. */
export function cyrillicRenderings(cyrillic: string): string[] {
  const words = cyrillic
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{Script=Cyrillic}]+/u)
    .filter(Boolean);
  const out = new Set<string>();
  for (const lang of LANGUAGES) {
    // Only a language that has every letter: a Russian Ы has no Ukrainian spelling, and dropping it would invent one.
    if (words.length === 0 || !words.every((w) => [...w].every((c) => lang.alphabet.includes(c)))) continue;
    for (const system of lang.systems) {
      const rendered = words.map((w) => {
        const letters = [...w];
        return letters.map((c, k) => system.letter(letters[k - 1] ?? '', c, letters[k + 1] ?? '')).join('');
      });
      out.add(rendered.join(' ').toUpperCase());
    }
  }
  return [...out];
}
