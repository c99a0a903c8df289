import type { Page } from 'playwright-core';

/** axe-core's findings on the page as it is now, serious and critical only (WCAG 2 A and AA rules). */
export async function seriousFindings(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  const found = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))",
  )) as { id: string; impact: string; nodes: number }[];
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes})`);
}
