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
  for (;;) {
    await page.goto(url);
    try {
      await page.locator('.log-line', { hasText: text }).first().waitFor({ timeout: 2_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}
