/** The proof-of-address check (functions/domain/addresses.ts): its corpus, and the inputs that would fool it. */
import { compareAddresses } from '../../functions/domain/addresses';
import { readAddressCorpus } from '../../scripts/eval-addresses';

const corpus = readAddressCorpus();

it('the corpus: every address written differently matches; no different address is accepted', () => {
  const wrong = corpus
    .map((p) => ({ ...p, verdict: compareAddresses(p.claimed, p.proof).verdict }))
    .filter((p) => (p.label === 'SAME') !== (p.verdict === 'MATCH'))
    .map((p) => `${p.label} ${p.category}: ${p.note}`);
  expect(wrong).toEqual([]);
  // Enough of each kind to mean something.
  expect(corpus.filter((p) => p.label === 'SAME').length).toBeGreaterThanOrEqual(25);
  expect(corpus.filter((p) => p.label === 'DIFFERENT').length).toBeGreaterThanOrEqual(20);
});

it('names what differs', () => {
  expect(compareAddresses('Gedimino pr. 9-3, Vilnius', 'Gedimino g. 11-4, Kaunas')).toEqual({
    verdict: 'MISMATCH',
    differs: ['house', 'flat', 'words', 'kind'],
  });
});

it.each([
  ['nothing claimed', '', 'Gedimino pr. 9, Vilnius'],
  ['nothing on the proof', 'Gedimino pr. 9, Vilnius', null],
  ['punctuation only', '.,-', 'Gedimino pr. 9, Vilnius'],
  ['numbers only', '9-3', '9-3'],
])('%s: MISSING, never a match', (_what, claimed, proof) => {
  expect(compareAddresses(claimed, proof).verdict).toBe('MISSING');
});

it.each([
  ['a proof listing two houses', 'Gedimino pr. 9, Vilnius', 'Gedimino pr. 9, Vilnius, Gedimino pr. 10'],
  ['a word written twice', 'Gedimino pr. 9, Vilnius', 'Gedimino pr. 9, Vilnius Vilnius'],
  ['a Cyrillic о in the street', 'Gedimino pr. 9, Vilnius', 'Gediminо pr. 9, Vilnius'],
  ['a zero-width space inside a word', 'Gedimino pr. 9, Vilnius', 'Gedi\u200bmino pr. 9, Vilnius'],
  ['the flat read as a postcode', 'Gedimino pr. 15-123, Vilnius', 'Gedimino pr. 15, Vilnius'],
  ['a house letter against another house', 'Gedimino pr. 9a, Vilnius', 'Gedimino pr. 9b, Vilnius'],
  [
    'the house number moved into the flat',
    'Gedimino pr. 9, butas 3, Vilnius',
    'Gedimino pr. 3, butas 9, Vilnius',
  ],
])('what would fool it, and does not: %s', (_what, claimed, proof) => {
  expect(compareAddresses(claimed, proof).verdict).toBe('MISMATCH');
});

it('what fools it, named in the module: a German ue/u pair, and a street kind one side left out', () => {
  expect(compareAddresses('Buchweg 3, Berlin', 'Buechweg 3, Berlin').verdict).toBe('MATCH');
  expect(compareAddresses('Main 5, Cambridge', 'Main Road 5, Cambridge').verdict).toBe('MATCH');
  expect(compareAddresses('Main 5, Cambridge', 'Main Street 5, Cambridge').verdict).toBe('MATCH');
  // Both kinds written: never the same.
  expect(compareAddresses('Main Road 5, Cambridge', 'Main Street 5, Cambridge').verdict).toBe('MISMATCH');
});
