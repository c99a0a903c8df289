/** DynamoDB's size of an item in low-level JSON: names and values, as its capacity units count them. */
export function itemBytes(item: Record<string, unknown>): number {
  const value = (v: Record<string, unknown>): number => {
    const [type, x] = Object.entries(v)[0] ?? ['NULL', null];
    if (type === 'S') return Buffer.byteLength(String(x));
    if (type === 'N') return Math.ceil(String(x).replace(/[-.]/g, '').length / 2) + 1;
    if (type === 'B') return Buffer.from(String(x), 'base64').length;
    if (type === 'BOOL' || type === 'NULL') return 1;
    if (type === 'SS' || type === 'NS')
      return (x as string[]).reduce((n, e) => n + value({ [type[0] as string]: e }), 0);
    if (type === 'L') return 3 + (x as Record<string, unknown>[]).reduce((n, e) => n + 1 + value(e), 0);
    if (type === 'M') return 3 + itemBytes(x as Record<string, unknown>) + Object.keys(x as object).length;
    return 0;
  };
  return Object.entries(item).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + value(v as Record<string, unknown>),
    0,
  );
}
