// Alerts in a real browser against a real MyLog: an in-app channel made in the admin console, an
// alert created from the explorer's query (with its 24 h preview chart), and the bell showing it
// fire within seconds of matching logs. Screenshots on desktop and phone; a clean console.
import crypto from 'node:crypto';
import t from 'tap';
import type { Page } from 'playwright-core';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  DESKTOP,
  launchBrowser,
  PHONE_DEVICE,
  screenshot,
  signInWithDevIdp,
  watchConsole,
  type ConsoleProblems,
} from './browser.ts';
import { startMyLogServer } from './mylog-server.ts';

const tag = crypto.randomBytes(4).toString('hex');

async function apiCall(page: Page, method: 'GET' | 'POST', path: string, body?: object) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'mylog_csrf')?.value ?? '';
  const res = await page.request.fetch(path, {
    method,
    headers: { 'x-csrf-token': decodeURIComponent(csrf), 'content-type': 'application/json' },
    data: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status(), json: (await res.json()) as Record<string, unknown> };
}

async function sendLogs(base: string, key: string, records: object[]): Promise<void> {
  const res = await fetch(`${base}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
}

async function run(): Promise<void> {
  t.setTimeout(300_000);
  const server = await startMyLogServer(t, {
    ALERTS_DISPATCH_INTERVAL_MS: '500',
    ALERTS_INGEST_LAG_MS: '1000',
  });
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const context = await browser.newContext({
    viewport: DESKTOP,
    colorScheme: 'dark',
    baseURL: base,
  });
  watchConsole(context, problems);
  const page = await context.newPage();
  await signInWithDevIdp(page, base, 'admin@demo.local');
  const app = await apiCall(page, 'POST', '/v1/orgs/demo/apps', { name: `Shop ${tag}` });
  if (app.status !== 201) throw new Error(`create app: ${JSON.stringify(app.json)}`);
  const key = (app.json as { key: { key: string } }).key.key;
  const appSlug = (app.json as { app: { slug: string } }).app.slug;
  await sendLogs(
    base,
    key,
    Array.from({ length: 30 }, (_, i) => ({
      level: i % 3 ? 'info' : 'error',
      service: 'checkout',
      message: `order ${i} ${tag}`,
    })),
  );

  await t.test('an in-app channel from the admin console', async (t) => {
    await page.goto(`${base}/admin/channels`);
    await page.getByRole('button', { name: 'New channel' }).first().click();
    await page.getByLabel('Type').selectOption('in_app');
    await page.getByLabel('Name').fill(`Bell ${tag}`);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('td', { hasText: `Bell ${tag}` }).waitFor();
    await screenshot(page, 'desktop-alert-channels');
    t.pass('created');
  });

  await t.test(
    'create an alert from the explorer query; it fires in the bell within seconds',
    async (t) => {
      const q = `service:checkout level:error`;
      await page.goto(`${base}/logs?q=${encodeURIComponent(q)}&apps=${appSlug}`);
      await page.getByRole('link', { name: 'Create alert' }).click();
      await page.waitForURL(/\/alerts\/new/);
      t.equal(await page.locator('input.mono').first().inputValue(), q, 'the query came along');
      await page.getByPlaceholder('Checkout errors').fill(`Checkout errors ${tag}`);
      // 10 errors were sent above: under the threshold; the 20 sent below take it over.
      await page.getByLabel('Threshold').fill('15');
      await page.getByPlaceholder('5m').fill('1m');
      await page.getByPlaceholder('1m').fill('10s');
      await page.getByLabel(new RegExp(`Bell ${tag}`)).check();
      await page.locator('[data-testid=alert-preview] canvas').first().waitFor({ timeout: 20_000 });
      await screenshot(page, 'desktop-alert-new');
      await page.getByRole('button', { name: 'Create alert' }).click();
      await page.waitForURL(/\/alerts\/[0-9a-f-]{36}$/);
      // The first evaluation may already count the errors above; wait for the rule to settle first.
      await page.waitForTimeout(1_500);
      const before = Number(
        (await page
          .getByTestId('bell-count')
          .textContent()
          .catch(() => '0')) ?? 0,
      );
      const sent = Date.now();
      await sendLogs(
        base,
        key,
        Array.from({ length: 20 }, (_, i) => ({
          level: 'error',
          service: 'checkout',
          message: `boom ${i} ${tag}`,
        })),
      );
      await page
        .getByTestId('bell-count')
        .filter({ hasText: String(before + 1) })
        .waitFor({ timeout: 25_000 });
      const seconds = (Date.now() - sent) / 1000;
      t.ok(seconds < 20, `the bell showed it ${seconds.toFixed(1)} s after the logs`);
      await page.getByRole('button', { name: /Notifications/ }).click();
      await page
        .locator('.bell-item', { hasText: `[FIRING] Checkout errors ${tag}` })
        .first()
        .waitFor();
      await screenshot(page, 'desktop-alert-bell');
      await page.keyboard.press('Escape');
      await page.reload();
      await page.locator('.state-pill[data-state=firing]').first().waitFor({ timeout: 15_000 });
      await screenshot(page, 'desktop-alert-detail');
    },
  );

  await t.test('the alerts list on a phone', async (t) => {
    const phone = await browser.newContext({
      ...PHONE_DEVICE,
      colorScheme: 'dark',
      storageState: await context.storageState(),
    });
    watchConsole(phone, problems);
    const p = await phone.newPage();
    await p.goto(`${base}/alerts`);
    await p.locator('td', { hasText: `Checkout errors ${tag}` }).waitFor();
    await screenshot(p, 'phone-alerts');
    await phone.close();
    t.pass('listed');
  });

  await t.test('no console errors', async (t) => {
    t.same(problems.list, []);
  });
}

if (!chromiumAvailable()) {
  t.fail(`Chromium is needed for the browser tests (looked for ${CHROMIUM_PATH})`);
} else {
  await run();
}
