/** The matcher on the golden corpus: zero false accepts, at least 97% of same-person pairs MATCH. */
import { readCorpus, score, summary } from '../../scripts/names-corpus';

const scored = score(readCorpus());
const s = summary(scored);

it('holds at least 150 labelled pairs of every kind', () => {
  expect(s.pairs).toBeGreaterThanOrEqual(150);
  expect(s.same).toBeGreaterThan(0);
  expect(s.different).toBeGreaterThan(0);
});

it('never accepts two different people', () => {
  expect(s.falseAccepts.map((r) => `line ${r.line}`)).toEqual([]);
});

it('matches at least 97% of same-person pairs', () => {
  expect(s.sameMatched / s.same).toBeGreaterThanOrEqual(0.97);
});

it('sends every tolerable pair (same person, but uncertain) to review rather than accepting it', () => {
  const tolerable = scored.filter((r) => r.label === 'TOLERABLE');
  expect(tolerable.filter((r) => r.accepted).map((r) => `line ${r.line}`)).toEqual([]);
});
