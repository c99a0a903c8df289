import { compareDates, comparePeople } from '../../functions/domain/match';
import { compareNames, fillsMrzNameField, foldName } from '../../functions/domain/names';
import { parseIsoDate } from '../../functions/domain/normalise';
import { transliterationVariant } from '../../functions/domain/transliteration-variants';

describe('foldName', () => {
  it.each([
    ['Jürgen', 'JURGEN'],
    ['  josé   MARÍA ', 'JOSE MARIA'],
    ['Müller-Lüdenscheidt', 'MULLER LUDENSCHEIDT'],
    ["O'Brien", 'OBRIEN'],
    ['Łukasz', 'LUKASZ'],
    ['Strauß', 'STRAUSS'],
    ['Søren', 'SOREN'],
    ['ÆSIR', 'AESIR'],
    ['SMITH<<JOHN', 'SMITH JOHN'],
    ['ＪＯＨＮ', 'JOHN'],
  ])('%s → %s', (input, expected) => {
    expect(foldName(input)).toBe(expected);
  });

  it('treats empty and punctuation-only names as missing', () => {
    expect(foldName('')).toBeNull();
    expect(foldName(' - ')).toBeNull();
    expect(foldName(null)).toBeNull();
  });

  it.each([
    ['Юлия', 'IULIIA'],
    ['Щербаков', 'SHCHERBAKOV'],
    ['Ξανθή', 'XANTHI'],
  ])('%s → %s', (input, expected) => {
    expect(foldName(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const s of ['Jürgen', 'Ἀλέξανδρος', "D'Artagnan-Ñúñez"])
      expect(foldName(foldName(s))).toBe(foldName(s));
  });
});

describe('compareNames', () => {
  it('MATCH when equal after folding, in another order, or joined', () => {
    expect(compareNames('JOHN PAUL', 'JOHN PAUL')).toMatchObject({
      verdict: 'MATCH',
      method: 'exact',
      score: 1,
    });
    expect(compareNames('PAUL JOHN', 'JOHN PAUL')).toMatchObject({ verdict: 'MATCH', method: 'token-set' });
    expect(compareNames('VAN DER BERG', 'VANDERBERG')).toMatchObject({
      verdict: 'MATCH',
      method: 'token-set',
    });
  });

  it('PARTIAL for a given-name subset', () => {
    expect(compareNames('JOHN PAUL', 'JOHN')).toMatchObject({
      verdict: 'PARTIAL',
      method: 'given-name-subset',
      score: 0.5,
    });
  });

  it('one letter of difference is PARTIAL by similarity: review, never verified', () => {
    for (const [a, b] of [
      ['JON', 'JOHN'],
      ['KOWALSKI', 'KOWALSKA'],
      ['SMITH', 'SMYTHE'],
    ]) {
      expect(compareNames(a, b)).toMatchObject({ verdict: 'PARTIAL', method: 'similarity' });
    }
  });

  it('MISMATCH for different names', () => {
    expect(compareNames('PETER', 'JOHN')).toMatchObject({ verdict: 'MISMATCH', method: 'different' });
  });

  it('MATCH across transliteration conventions: Ü as U or UE, Ø as O or OE, Å as A or AA', () => {
    expect(compareNames('Müller', 'MUELLER')).toMatchObject({
      verdict: 'MATCH',
      method: 'transliteration',
      compared: ['MUELLER', 'MUELLER'],
    });
    expect(compareNames('Müller', 'MULLER')).toMatchObject({ verdict: 'MATCH', method: 'exact' });
    expect(compareNames('Søren', 'SOEREN').verdict).toBe('MATCH');
    expect(compareNames('Ångström', 'AANGSTROEM').verdict).toBe('MATCH');
    // Both written in plain ASCII, differently: no umlaut to explain it, a person decides.
    expect(compareNames('MUELLER', 'MULLER').verdict).not.toBe('MATCH');
  });

  it('MATCH for Cyrillic and Greek written per ICAO or national conventions', () => {
    expect(compareNames('Юлия', 'IULIIA').verdict).toBe('MATCH');
    expect(compareNames('Юлия', 'YULIYA').verdict).not.toBe('MISMATCH');
    expect(compareNames('Андрей', 'ANDREY')).toMatchObject({ verdict: 'MATCH', method: 'transliteration' });
    expect(compareNames('Андрей', 'ANDREI').verdict).toBe('MATCH');
    expect(compareNames('Ганна', 'HANNA').verdict).toBe('MATCH');
    expect(compareNames('Γεώργιος', 'GEORGIOS').verdict).toBe('MATCH');
    expect(compareNames('Παπαδοπούλου', 'PAPADOPOULOU').verdict).toBe('MATCH');
  });

  it('MATCH for a prefix only when the shorter side exactly fills an MRZ name field (ICAO 9303)', () => {
    // FERNANDEZ<<MARIA<DEL<CARMEN<ES is 30 characters: TD1 is full, so the tail was cut.
    expect(fillsMrzNameField('FERNANDEZ', 'MARIA DEL CARMEN ES')).toBe(true);
    expect(
      compareNames('MARIA DEL CARMEN ESPERANZA', 'MARIA DEL CARMEN ES', { bFillsMrz: true }),
    ).toMatchObject({ verdict: 'MATCH', method: 'truncation' });
    // The same prefix without that evidence (or with the evidence on the longer side) is a person's call.
    expect(compareNames('MARIA DEL CARMEN ESPERANZA', 'MARIA DEL CARMEN ES')).toMatchObject({
      verdict: 'PARTIAL',
      method: 'prefix',
    });
    expect(
      compareNames('MARIA DEL CARMEN ESPERANZA', 'MARIA DEL CARMEN ES', { aFillsMrz: true }).verdict,
    ).toBe('PARTIAL');
    // 32 characters: FERNANDEZ<<MARIA<DEL<CARMEN<ESPE fills no field.
    expect(fillsMrzNameField('FERNANDEZ', 'MARIA DEL CARMEN ESPE')).toBe(false);
    expect(compareNames('KOWALSKI', 'KOWAL', { bFillsMrz: false }).verdict).not.toBe('MATCH');
  });

  it('never re-splits two spaced names differently; joins only a side written without spaces', () => {
    expect(compareNames('ANNA MARIA', 'ANNAM ARIA').verdict).not.toBe('MATCH');
    expect(compareNames('VAN DER BERG', 'VANDER BERG').verdict).not.toBe('MATCH');
    expect(compareNames('VAN DER BERG', 'VANDERBERG')).toMatchObject({
      verdict: 'MATCH',
      method: 'token-set',
    });
    expect(compareNames('MARIA ANNA', 'ANNA MARIA')).toMatchObject({ verdict: 'MATCH', method: 'token-set' });
  });

  it('a word mixing alphabets is never a MATCH and is flagged', () => {
    // Cyrillic Р (U+0420) reads R: РAUL would fold into RAUL.
    expect(compareNames('\u0420AUL', 'RAUL')).toMatchObject({ verdict: 'PARTIAL', scriptMixed: true });
    // Greek Eta reads I.
    expect(compareNames('\u0397ANS', 'IANS').verdict).not.toBe('MATCH');
    // A whole Cyrillic word is a name in its own alphabet, not a homoglyph.
    expect(compareNames('Иван', 'IVAN')).toMatchObject({ verdict: 'MATCH' });
    expect(compareNames('Иван', 'IVAN').scriptMixed).toBeUndefined();
  });

  it('transliteration variants: both spellings come from one Cyrillic spelling under recognised systems', () => {
    const cyrillic = { cyrillicOrigin: true };
    for (const [a, b] of [
      ['YULIYA', 'IULIIA'],
      ['SERGEY', 'SERGEI'],
      ['ALYONA', 'ALENA'],
      ['YURII', 'IURII'],
      ['HANNA', 'GANNA'],
      ['TSVETKOV', 'TCVETKOV'],
    ] as const) {
      expect([a, b, compareNames(a, b, cyrillic).method]).toEqual([a, b, 'transliteration-variant']);
      expect(compareNames(a, b, cyrillic).verdict).toBe('MATCH');
      // Without a document of Cyrillic origin, two Latin spellings are compared letter for letter.
      expect(compareNames(a, b).verdict).not.toBe('MATCH');
    }
    // Different Cyrillic names stay apart: Алёна / Елена, Наталья / Наталия, an anglicised X.
    for (const [a, b] of [
      ['ALENA', 'ELENA'],
      ['NATALIA', 'NATALIYA'],
      ['ALEXANDER', 'ALEKSANDR'],
      ['MARIE', 'MAR'],
      ['ALEKSANDR', 'ALEKSANDRA'],
    ] as const) {
      expect([a, b, compareNames(a, b, cyrillic).verdict]).not.toEqual([a, b, 'MATCH']);
    }
    expect(transliterationVariant('YULIYA', 'IULIIA')).toMatch(/mvd|bgn|gost/);
  });

  it('an original-script field is evidence for the other document’s Latin spelling', () => {
    // The permit prints ЮЛИЯ beside YULIYA; the passport says IULIIA (ICAO of the same Cyrillic).
    const c = comparePeople(
      { firstName: 'YULIYA', originalFirstName: 'Юлия', lastName: 'KUZNETSOVA' },
      { firstName: 'IULIIA', lastName: 'KUZNETSOVA' },
      ['firstName'],
    );
    expect(c.firstName?.verdict).toBe('MATCH');
    // An original that contradicts its own Latin proves nothing.
    const forged = comparePeople({ firstName: 'JOHN', originalFirstName: 'Иван' }, { firstName: 'IVAN' }, [
      'firstName',
    ]);
    expect(forged.firstName?.verdict).not.toBe('MATCH');
  });

  it('MISSING when either side is missing', () => {
    expect(compareNames(null, 'JOHN')).toMatchObject({ verdict: 'MISSING', score: 0 });
  });
});

describe('dates', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(parseIsoDate('1990-01-31')).toBe('1990-01-31');
    expect(parseIsoDate('1990-02-30')).toBeNull();
    expect(parseIsoDate('YYYY-MM-DD')).toBeNull();
    expect(parseIsoDate('31.01.1990')).toBeNull();
    expect(parseIsoDate(undefined)).toBeNull();
  });

  it('exact or MISMATCH; a day/month swap is named', () => {
    expect(compareDates('1990-03-04', '1990-03-04').verdict).toBe('MATCH');
    expect(compareDates('1990-03-04', '1990-04-03')).toMatchObject({
      verdict: 'MISMATCH',
      method: 'day-month-swapped',
    });
    expect(compareDates('1990-03-04', '1991-03-04')).toMatchObject({
      verdict: 'MISMATCH',
      method: 'different',
    });
    expect(compareDates('1990-03-04', null).verdict).toBe('MISSING');
  });
});
