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

/** Rows reach search once the insert worker has written them: search again until they show. */
export async function searchUntilFound(
  page: Page,
  url: string,
  text: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = page.locator('.log-line', { hasText: text }).first();
  for (;;) {
    await page.goto(url);
    // The search's answer (rows or the empty state) first: on a busy machine it can take longer
    // than the rows take to be stored, and judging before it came would search again forever.
    await page
      .locator('.log-line, .empty-state')
      .first()
      .waitFor({ timeout: Math.max(1_000, Math.min(15_000, deadline - Date.now())) })
      .catch(() => undefined);
    if ((await wanted.count()) > 0) {
      await wanted.waitFor();
      return;
    }
    if (Date.now() > deadline) {
      await wanted.waitFor({ timeout: 1_000 });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
