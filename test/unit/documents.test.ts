/** One physical document, recognised by keyed hash whatever the formatting (SAME_DOCUMENT_TWICE, DOCUMENT_SEEN_FOR_ANOTHER_CLIENT). */
import { documentDigests } from '../../functions/app/document-digests';
import { documentIdentity, normaliseDocumentNumber } from '../../functions/domain/documents';

const KEY = 'a-test-key-of-at-least-thirty-two-chars';

it('normalises a number as documents print it: case, spaces, dashes, MRZ fillers', () => {
  expect(normaliseDocumentNumber(' ab 123-456<< ')).toBe('AB123456');
  expect(normaliseDocumentNumber('ＡＢ１２３')).toBe('AB123');
  expect(normaliseDocumentNumber('<<< --')).toBeNull();
  expect(normaliseDocumentNumber(undefined)).toBeNull();
});

it('gives equal digests for one document however it is written, and none without a number', () => {
  const a = documentDigests(KEY, { number: 'rp 1234567', type: 'RESIDENCE_PERMIT', issuingCountry: 'de' });
  const b = documentDigests(KEY, { number: 'RP1234567<', type: 'RESIDENCE_PERMIT', issuingCountry: 'DE ' });
  expect(a).toEqual(b);
  expect(documentDigests(KEY, { number: null, type: 'PASSPORT' })).toBeNull();
  // The same number classified differently: the number digest still meets, the document digest does not.
  const c = documentDigests(KEY, { number: 'RP1234567', type: 'ID_CARD', issuingCountry: 'DE' });
  expect(c?.numberDigest).toBe(a?.numberDigest);
  expect(c?.documentDigest).not.toBe(a?.documentDigest);
});

it('is keyed: another key gives other digests, and the number never appears in them', () => {
  const a = documentDigests(KEY, { number: 'X1234567', type: 'PASSPORT', issuingCountry: 'LT' });
  const b = documentDigests(`${KEY}!`, { number: 'X1234567', type: 'PASSPORT', issuingCountry: 'LT' });
  expect(a?.numberDigest).not.toBe(b?.numberDigest);
  expect(JSON.stringify(a)).not.toContain('1234567');
  expect(documentIdentity({ number: 'x1', type: 'passport', issuingCountry: 'lt' })?.document).toBe(
    'D|PASSPORT|LT|X1',
  );
});
