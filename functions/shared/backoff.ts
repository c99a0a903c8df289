/**
 * Waiting between attempts without storming (docs/failure-modes.md): exponential, capped, and with full
 * jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), so callers that failed together do
 * not come back together.
 */

/** The wait before attempt `attempt + 1` (attempt ≥ 1): random in [0, min(cap, base · 2^(attempt-1))]. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
