/** Date handling shared by the matcher and the document checks. Pure. */

/** Strict YYYY-MM-DD that is a real calendar date, else null (iDenfy samples carry "YYYY-MM-DD" placeholders). */
export function parseIsoDate(input: string | null | undefined): string | null {
  if (typeof input !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return input.trim();
}
