/** One physical document, recognised by keyed hash whatever the formatting (SAME_DOCUMENT_TWICE, DOCUMENT_SEEN_FOR_ANOTHER_CLIENT). */
import { documentDigests } from '../../functions/app/document-digests';
import { countryCode, isCyrillicOriginCountry } from '../../functions/domain/countries';
import { documentIdentity, normaliseDocumentNumber } from '../../functions/domain/documents';

const KEY = 'a-test-key-of-at-least-thirty-two-chars';

it('normalises a number as documents print it: case, spaces, dashes, MRZ fillers', () => {
  expect(normaliseDocumentNumber(' ab 123-456<< ')).toBe('AB123456');
  expect(normaliseDocumentNumber('ＡＢ１２３')).toBe('AB123');
  expect(normaliseDocumentNumber('<<< --')).toBeNull();
  expect(normaliseDocumentNumber(undefined)).toBeNull();
});

it('gives equal digests for one document however it is written or labelled, and none without a number', () => {
  const a = documentDigests(KEY, { number: 'rp 1234567', type: 'RESIDENCE_PERMIT', issuingCountry: 'de' });
  const b = documentDigests(KEY, { number: 'RP1234567<', type: 'RESIDENCE_PERMIT', issuingCountry: 'DE ' });
  expect(a).toEqual(b);
  expect(documentDigests(KEY, { number: null, type: 'PASSPORT' })).toBeNull();
  // The same card labelled another type, its country written alpha-3 or as a German MRZ does: one document.
  for (const other of [
    { type: 'ID_CARD', issuingCountry: 'DE' },
    { type: 'RESIDENCE_PERMIT', issuingCountry: 'DEU' },
    { type: 'OTHER', issuingCountry: 'D' },
  ]) {
    const c = documentDigests(KEY, { number: 'RP1234567', ...other });
    expect([c?.numberDigest, c?.documentDigest]).toEqual([a?.numberDigest, a?.documentDigest]);
  }
  // Another country's document with the same number is another document (the number alone still meets).
  const foreign = documentDigests(KEY, {
    number: 'RP1234567',
    type: 'RESIDENCE_PERMIT',
    issuingCountry: 'AT',
  });
  expect(foreign?.documentDigest).not.toBe(a?.documentDigest);
  expect(foreign?.numberDigest).toBe(a?.numberDigest);
});

it('keeps the key the release before wrote (type and country as written), to find its bindings', () => {
  expect(documentIdentity({ number: 'x-1', type: 'passport', issuingCountry: 'lt' })).toEqual({
    number: 'N|X1',
    document: 'C|LT|X1',
    legacy: 'D|PASSPORT|LT|X1',
  });
  // A country that is no code stays apart from every code, and from a missing one.
  expect(documentIdentity({ number: 'x1', issuingCountry: 'Germany' })?.document).toBe('C|?GERMANY|X1');
  expect(documentIdentity({ number: 'x1' })?.document).toBe('C||X1');
});

it('is keyed: another key gives other digests, and the number never appears in them', () => {
  const a = documentDigests(KEY, { number: 'X1234567', type: 'PASSPORT', issuingCountry: 'LT' });
  const b = documentDigests(`${KEY}!`, { number: 'X1234567', type: 'PASSPORT', issuingCountry: 'LT' });
  expect(a?.numberDigest).not.toBe(b?.numberDigest);
  expect(JSON.stringify(a)).not.toContain('1234567');
});

describe('countries', () => {
  it.each([
    ['DE', 'DE'],
    ['deu', 'DE'],
    [' D ', 'DE'],
    ['LTU', 'LT'],
    ['GBD', 'GB'],
    ['RKS', 'XK'],
    ['XXA', 'XXA'],
    ['UNO', 'UNO'],
  ])('%s is %s', (raw, code) => {
    expect(countryCode(raw)).toBe(code);
  });

  it.each([['Germany'], [''], ['ZZ'], ['QQQ'], ['DE1'], [null]])('%s is no country code', (raw) => {
    expect(countryCode(raw)).toBeNull();
  });

  it('knows which documents write names from Cyrillic', () => {
    expect(['RU', 'UKR', 'BY', 'KAZ'].every(isCyrillicOriginCountry)).toBe(true);
    expect(['DE', 'D', 'LT', 'NOR', 'SE', null].some(isCyrillicOriginCountry)).toBe(false);
  });
});
