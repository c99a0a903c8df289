/** Properties of the name matcher (fast-check). */
import fc from 'fast-check';
import { comparePeople } from '../../functions/domain/match';
import { compareNames, foldName, nameCandidates } from '../../functions/domain/names';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const token = (min: number, max: number) =>
  fc.array(fc.constantFrom(...LETTERS), { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const name = fc.array(token(2, 10), { minLength: 1, maxLength: 3 }).map((ts) => ts.join(' '));
/** Marks that every convention simply drops (not umlauts or rings, which ICAO spells out). */
const MARKS = ['\u0301', '\u0300', '\u030C', '\u0327', '\u0302', '\u0303'];
const accented = (s: string, picks: number[]) =>
  Array.from(s)
    .map((ch, i) =>
      /[A-Z]/.test(ch) &&
      picks[i % picks.length] !== undefined &&
      (picks[i % picks.length] ?? 0) < MARKS.length
        ? ch + MARKS[picks[i % picks.length] ?? 0]
        : ch,
    )
    .join('')
    .normalize('NFC');

describe('name matcher properties', () => {
  it('folding is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const once = foldName(s);
        expect(once === null ? null : foldName(once)).toBe(once);
      }),
    );
  });

  it('comparison is symmetric in verdict and score', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const ab = compareNames(a, b);
        const ba = compareNames(b, a);
        expect([ba.verdict, ba.score, ba.method]).toEqual([ab.verdict, ab.score, ab.method]);
      }),
    );
  });

  it('case and diacritic changes never change a verdict', () => {
    fc.assert(
      fc.property(name, name, fc.array(fc.nat(12), { minLength: 1, maxLength: 8 }), (a, b, picks) => {
        const base = compareNames(a, b).verdict;
        expect(compareNames(a.toLowerCase(), b).verdict).toBe(base);
        expect(compareNames(accented(a, picks), b).verdict).toBe(base);
        expect(compareNames(a, accented(b.toLowerCase(), picks)).verdict).toBe(base);
      }),
    );
  });

  it('a single-letter substitution in a token of four or more letters matches only as a transliteration variant', () => {
    // Official systems do alternate single letters (Я as IA or YA, Ukrainian Г as G or H, Ц as TC or TS,
    // Ё as YO or YE): those are proved through one Cyrillic spelling, never by closeness. The next
    // property shows that letters no system alternates never match.
    fc.assert(
      fc.property(token(4, 12), fc.nat(), fc.constantFrom(...LETTERS), (t, at, letter) => {
        const i = at % t.length;
        fc.pre(t[i] !== letter);
        const changed = t.slice(0, i) + letter + t.slice(i + 1);
        const c = compareNames(t, changed, { cyrillicOrigin: true });
        if (c.verdict === 'MATCH') expect(c.method).toBe('transliteration-variant');
      }),
    );
  });

  it('without a document of Cyrillic origin, a single-letter substitution in a token of four or more letters is never MATCH', () => {
    // Two German documents: MEYER/MEIER, HERMANN/GERMANN are two families, whatever Cyrillic systems alternate.
    fc.assert(
      fc.property(token(4, 12), fc.nat(), fc.constantFrom(...LETTERS), (t, at, letter) => {
        const i = at % t.length;
        fc.pre(t[i] !== letter);
        const changed = t.slice(0, i) + letter + t.slice(i + 1);
        expect(compareNames(t, changed).verdict).not.toBe('MATCH');
        expect(compareNames(t, changed, { cyrillicOrigin: false }).verdict).not.toBe('MATCH');
      }),
    );
  });

  it('a one-letter change in a name of four or more letters is never MATCH, transliteration variants included', () => {
    // Letters that no recognised system alternates with anything (unlike I/Y/J, E/YE, G/H, TS/TC).
    const STABLE = 'BDFLMNPRVAOU';
    const slavic = fc
      .array(fc.constantFrom(...'BDFLMNPRVAOUIEYKSTZ'), { minLength: 4, maxLength: 12 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(slavic, fc.nat(), fc.constantFrom(...STABLE), (t, at, letter) => {
        const i = at % t.length;
        fc.pre(STABLE.includes(t[i] ?? '') && t[i] !== letter);
        const changed = t.slice(0, i) + letter + t.slice(i + 1);
        expect(compareNames(t, changed, { cyrillicOrigin: true }).verdict).not.toBe('MATCH');
      }),
    );
  });

  it('a word that mixes alphabets is never MATCH', () => {
    // Cyrillic and Greek letters that look like Latin ones.
    const LOOKALIKES = [
      '\u0410',
      '\u0412',
      '\u0415',
      '\u041D',
      '\u041E',
      '\u0420',
      '\u0421',
      '\u0397',
      '\u039A',
      '\u039F',
    ];
    fc.assert(
      fc.property(token(3, 10), fc.nat(), fc.constantFrom(...LOOKALIKES), (t, at, glyph) => {
        const i = at % t.length;
        const mixed = t.slice(0, i) + glyph + t.slice(i + 1);
        for (const other of [t, foldName(mixed) ?? t]) {
          const c = compareNames(mixed, other);
          expect(c.verdict).not.toBe('MATCH');
          expect(c.scriptMixed).toBe(true);
        }
      }),
    );
  });

  it('a prefix shorter than its MRZ field capacity is never MATCH', () => {
    fc.assert(
      fc.property(token(2, 12), token(6, 20), fc.nat(), (surname, given, cut) => {
        const short = given.slice(0, Math.max(4, (cut % given.length) + 1));
        fc.pre(short.length < given.length);
        const mrzLength = surname.length + 2 + short.length;
        fc.pre(![30, 31, 39].includes(mrzLength));
        const c = comparePeople(
          { firstName: given, lastName: surname, fromDocument: true },
          { firstName: short, lastName: surname, fromDocument: true },
          ['firstName'],
        );
        expect(c.firstName?.verdict).not.toBe('MATCH');
      }),
    );
  });

  it('random unicode never throws', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.string({ unit: 'binary', maxLength: 60 }),
        (a, b) => {
          nameCandidates(a);
          const c = compareNames(a, b);
          expect(['MATCH', 'PARTIAL', 'MISMATCH', 'MISSING']).toContain(c.verdict);
          expect(c.score).toBeGreaterThanOrEqual(0);
          expect(c.score).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
