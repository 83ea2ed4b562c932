// axe-core in a page of a browser test: injected as a script (the context needs bypassCSP: the
// app's CSP rightly refuses scripts it did not ship), and its serious or critical violations as
// readable lines (an empty list is a pass); and the pages both accessibility tests visit.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** Every page of the signed-in app (an admin of the demo org sees them all). */
export const APP_PAGES = [
  '/logs',
  '/dashboards',
  '/alerts',
  '/usage',
  '/reports',
  '/admin/apps',
  '/admin/members',
  '/admin/channels',
  '/admin/deletions',
  '/admin/audit',
  '/docs',
] as const;

const axeSource = fs.readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

export async function axeSerious(page: Page): Promise<string[]> {
  const has = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe);
  if (has === 'undefined') await page.evaluate(axeSource);
  const violations = (await page.evaluate(() =>
    (window as unknown as { axe: { run(o: object): Promise<{ violations: unknown[] }> } }).axe
      .run({ resultTypes: ['violations'] })
      .then((r) => r.violations),
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')} [${(n.failureSummary ?? '').split('\n')[1] ?? ''}]`)
          .join(', ')}`,
    );
}

/** Both colour schemes (the app follows the system's unless told otherwise), then back to dark. */
export async function axeBothThemes(page: Page): Promise<Record<'dark' | 'light', string[]>> {
  const found = { dark: [] as string[], light: [] as string[] };
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    // The theme follows at once; let colour transitions finish before contrast is judged.
    await page.waitForFunction(() => document.getAnimations().length === 0);
    found[theme] = await axeSerious(page);
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  return found;
}

/**
 * Settled enough to judge: loaded, the SPA (where there is one) has rendered its page, and no
 * spinner or "Loading…" placeholder is left (bounded wait: a page may keep one by design).
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page
    .waitForFunction(
      () => {
        const root = document.getElementById('root');
        const rendered = !root || root.querySelector('main, h1') !== null;
        return (
          rendered &&
          !document.querySelector('main .spinner') &&
          !/Loading…/.test(document.body.innerText)
        );
      },
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
}
