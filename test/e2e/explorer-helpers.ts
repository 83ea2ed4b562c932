// What browser tests of the explorer share: sending logs with an ingest key, and searching until
// the insert worker has stored them.
import type { Page } from 'playwright-core';

export async function sendLogs(baseUrl: string, key: string, records: unknown[]): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  if (response.status !== 202 && response.status !== 200) {
    throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  }
}

/**
 * Rows reach search once the insert worker has written them: search again until they show. With
 * `withHistogram`, until the histogram has bars too: it is counted by its own request, beside the
 * list's, so it can count before rows that the list then finds were stored.
 */
export async function searchUntilFound(
  page: Page,
  url: string,
  text: string,
  timeoutMs = 30_000,
  options: { withHistogram?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = page.locator('.log-line', { hasText: text }).first();
  const bar = page.locator('.histogram-plot rect').first();
  const remaining = (most: number): number =>
    Math.max(1_000, Math.min(most, deadline - Date.now()));
  for (;;) {
    await page.goto(url);
    // The search's answer (rows or the empty state) first: on a busy machine it can take longer
    // than the rows take to be stored, and judging before it came would search again forever.
    await page
      .locator('.log-line, .empty-state')
      .first()
      .waitFor({ timeout: remaining(15_000) })
      .catch(() => undefined);
    if ((await wanted.count()) > 0) {
      await wanted.waitFor();
      if (!options.withHistogram) return;
      const drawn = await bar.waitFor({ timeout: remaining(15_000) }).then(
        () => true,
        () => false,
      );
      if (drawn) return;
    }
    if (Date.now() > deadline) {
      await wanted.waitFor({ timeout: 1_000 });
      if (options.withHistogram) await bar.waitFor({ timeout: 1_000 });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
