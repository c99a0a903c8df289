import { compareDates, compareNames } from '../../functions/domain/match';
import { foldName, parseIsoDate } from '../../functions/domain/normalise';

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

  it('MISMATCH for one letter of difference: review, never verified', () => {
    expect(compareNames('JON', 'JOHN').verdict).toBe('MISMATCH');
    expect(compareNames('KOWALSKI', 'KOWALSKA').verdict).toBe('MISMATCH');
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
