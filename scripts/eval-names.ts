/**
 * `npm run eval:names`: the matcher on the golden corpus, as a confusion table per category.
 * Exits non-zero on any false accept or when fewer than 97% of same-person pairs MATCH.
 */
import { baselineAccepts, readCorpus, type Scored, score, summary } from './names-corpus';

const scored = score(readCorpus());
const byCategory = new Map<string, Scored[]>();
for (const s of scored) byCategory.set(s.category, [...(byCategory.get(s.category) ?? []), s]);

const pad = (v: unknown, n: number) => String(v).padEnd(n);
const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(0)}%`);
console.log(
  `${pad('category', 27)}${pad('label', 11)}${pad('pairs', 7)}${pad('verified', 10)}${pad('false acc.', 12)}${pad('review', 8)}`,
);
for (const [category, rows] of byCategory) {
  const accepted = rows.filter((r) => r.accepted).length;
  const label = rows[0]?.label;
  // Same person: the auto-verify rate; different people: every acceptance is a false accept.
  const verified = label === 'SAME' || label === 'EITHER' ? pct(accepted, rows.length) : '-';
  const falseAccepts = label === 'DIFFERENT' ? String(accepted) : '-';
  console.log(
    `${pad(category, 27)}${pad(label, 11)}${pad(rows.length, 7)}${pad(verified, 10)}${pad(falseAccepts, 12)}${pad(pct(rows.length - accepted, rows.length), 8)}`,
  );
}
const s = summary(scored);
const rate = (100 * s.sameMatched) / s.same;
console.log('');
console.log(
  `pairs: ${s.pairs} (same person ${s.same}, different people ${s.different}, tolerable ${s.tolerable}, either ${s.either})`,
);
console.log(`false accepts (different people accepted): ${s.falseAccepts.length}`);
console.log(
  `honest people sent to review: ${s.honestToReview.length} of ${s.same} (${rate.toFixed(1)}% MATCH)`,
);
const same = scored.filter((r) => r.label === 'SAME');
const different = scored.filter((r) => r.label === 'DIFFERENT');
const baseSame = same.filter(baselineAccepts).length;
console.log(
  `baseline (iDenfy's guide, === on the names): ${baseSame} of ${same.length} same-person pairs accepted ` +
    `(${((100 * baseSame) / same.length).toFixed(1)}%), ${different.filter(baselineAccepts).length} false accepts`,
);
for (const r of [...s.falseAccepts, ...s.honestToReview]) {
  console.log(
    `  line ${r.line} ${r.label} ${r.category}: first ${r.verdicts.firstName}, last ${r.verdicts.lastName}  ${r.note}`,
  );
}
process.exitCode = s.falseAccepts.length === 0 && rate >= 97 ? 0 : 1;
