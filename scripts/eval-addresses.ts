/**
 * `npm run eval:addresses`: the proof-of-address check on its labelled corpus
 * (test/fixtures/addresses-corpus.tsv), per category. Exits non-zero on any different address
 * accepted, or when fewer than all of one address written differently MATCH.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareAddresses } from '../functions/domain/addresses';

export interface AddressPair {
  category: string;
  label: 'SAME' | 'DIFFERENT';
  claimed: string;
  proof: string;
  note: string;
}

export function readAddressCorpus(): AddressPair[] {
  return readFileSync(join(__dirname, '..', 'test', 'fixtures', 'addresses-corpus.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const [category, label, claimed, proof, note] = line.split('\t');
      if (label !== 'SAME' && label !== 'DIFFERENT') throw new Error(`bad label in: ${line}`);
      return {
        category: category ?? '',
        label,
        claimed: claimed ?? '',
        proof: proof ?? '',
        note: note ?? '',
      };
    });
}

if (require.main === module) {
  const pairs = readAddressCorpus().map((p) => ({ ...p, check: compareAddresses(p.claimed, p.proof) }));
  const pad = (v: unknown, n: number) => String(v).padEnd(n);
  console.log(`${pad('category', 20)}${pad('label', 11)}${pad('pairs', 7)}${pad('matched', 9)}`);
  const categories = [...new Set(pairs.map((p) => p.category))];
  for (const category of categories) {
    const rows = pairs.filter((p) => p.category === category);
    const matched = rows.filter((p) => p.check.verdict === 'MATCH').length;
    console.log(`${pad(category, 20)}${pad(rows[0]?.label, 11)}${pad(rows.length, 7)}${pad(matched, 9)}`);
  }
  const same = pairs.filter((p) => p.label === 'SAME');
  const different = pairs.filter((p) => p.label === 'DIFFERENT');
  const missed = same.filter((p) => p.check.verdict !== 'MATCH');
  const accepted = different.filter((p) => p.check.verdict === 'MATCH');
  console.log('');
  console.log(`one address written differently: ${same.length - missed.length} of ${same.length} MATCH`);
  console.log(`different addresses accepted: ${accepted.length} of ${different.length}`);
  // Which ones, by category and note only: the corpus is made up, but a habit of printing addresses is not.
  for (const p of [...missed, ...accepted])
    console.log(`  ${p.label} ${p.category}: ${p.note} (${p.check.differs.join(', ') || 'matched'})`);
  process.exitCode = accepted.length > 0 || missed.length > 0 ? 1 : 0;
}
