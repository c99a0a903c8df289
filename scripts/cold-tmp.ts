import { measureColdInit } from './bench/cold-init';

const r = measureColdInit(Number(process.env.ROUNDS ?? 15));
console.log(`empty ${r.emptyMs.toFixed(0)} ms`);
for (const row of r.rows)
  console.log(
    row.handler,
    row.minifiedKiB.toFixed(0),
    'KiB',
    row.initMs.toFixed(0),
    'ms floor',
    row.floorInitMs.toFixed(0),
    'ratio',
    row.ratio.toFixed(2),
  );
