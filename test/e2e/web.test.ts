// The web app in a real browser against a real MyLog: sign-in through the dev IdP, the explorer
// (query, histogram zoom, detail, live tail), the admin console (app + key, then a log sent with
// that key), the viewer's limits, log content rendered as text, screenshots, and a clean console.
import crypto from 'node:crypto';
import t from 'tap';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  DESKTOP,
  launchBrowser,
  PHONE,
  PHONE_DEVICE,
  screenshot,
  SCREENSHOT_DIR,
  signInWithDevIdp,
  watchConsole,
  type ConsoleProblems,
} from './browser.ts';
import { searchUntilFound, sendLogs } from './explorer-helpers.ts';
import { startMyLogServer } from './mylog-server.ts';

const ADMIN = 'admin@demo.local';
const VIEWER = 'viewer@demo.local';
const tag = crypto.randomBytes(4).toString('hex');
/** Low enough that one POST of the sampling test passes it (TAIL_MAX_ROWS_PER_SECOND). */
const TAIL_MAX_ROWS_PER_SECOND = 50;

async function newContext(
  browser: Browser,
  problems: ConsoleProblems,
  phone = false,
): Promise<BrowserContext> {
  const context = await browser.newContext(
    phone ? { ...PHONE_DEVICE, colorScheme: 'dark' } : { viewport: DESKTOP, colorScheme: 'dark' },
  );
  watchConsole(context, problems);
  return context;
}

async function run(): Promise<void> {
  t.setTimeout(300_000);
  const server = await startMyLogServer(t, {
    TAIL_MAX_ROWS_PER_SECOND: String(TAIL_MAX_ROWS_PER_SECOND),
  });
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const admin = await newContext(browser, problems);
  const page = await admin.newPage();
  let ingestKey = '';
  const appName = `Checkout ${tag}`;

  await t.test('sign in through the dev IdP', async (t) => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    await screenshot(page, 'desktop-signin');
    await signInWithDevIdp(page, base, ADMIN);
    t.match(page.url(), /\/logs/);
    await page.getByRole('link', { name: 'Settings' }).waitFor();
  });

  await t.test('as admin, create an app and a key in the console', async (t) => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(/\/admin\/apps/);
    await page.getByRole('button', { name: 'New app' }).click();
    await page.fill('input[name=app-name]', appName);
    await page.getByRole('button', { name: 'Create app' }).click();
    const firstKey = await page.getByTestId('new-key').textContent();
    t.match(firstKey, /^mlk_/, 'the app comes with a key, shown once');
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/\/admin\/apps\/[a-z0-9-]+$/);

    await page.getByRole('button', { name: 'New key' }).click();
    await page.fill('input[name=key-name]', 'e2e shipper');
    await page.getByRole('button', { name: 'Create key' }).click();
    ingestKey = ((await page.getByTestId('new-key').textContent()) ?? '').trim();
    t.match(ingestKey, /^mlk_/);
    await screenshot(page, 'desktop-key-created');
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('td', { hasText: 'e2e shipper' }).waitFor();
    await screenshot(page, 'desktop-admin-app');
  });

  const xssMessage = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> xss${tag}`;
  await t.test('logs sent with that key are found with a query', async (t) => {
    const levels = ['info', 'info', 'info', 'debug', 'warn', 'error'];
    const records = Array.from({ length: 60 }, (_, i) => ({
      level: levels[i % levels.length],
      service: i % 2 ? 'checkout' : 'payments',
      host: `web-${i % 3}`,
      message: `order ${i} processed needle${tag} in ${10 + i} ms`,
      attributes: { status: String(i % 5 === 0 ? 500 : 200), order_id: `o-${i}` },
      trace_id: crypto.randomBytes(16).toString('hex'),
    }));
    records.push({
      level: 'error',
      service: 'checkout',
      host: 'web-1',
      message: xssMessage,
      attributes: { status: '500', order_id: 'x' },
      trace_id: '',
    });
    records.push({
      level: 'warn',
      service: 'checkout',
      host: 'web-2',
      message: `\u001b[31mred alert\u001b[0m ansi${tag}`,
      attributes: { status: '200', order_id: 'y' },
      trace_id: '',
    });
    await sendLogs(base, ingestKey, records);
    const url = `${base}/logs?q=${encodeURIComponent(`needle${tag}`)}&from=now-15m`;
    await searchUntilFound(page, url, `needle${tag}`, 60_000, { withHistogram: true });
    t.ok((await page.locator('.log-line').count()) > 10, 'rows are listed');
    t.ok(await page.locator('.histogram-plot rect').first().isVisible(), 'the histogram has bars');
    await screenshot(page, 'desktop-explorer');

    await page.goto(
      `${base}/logs?q=${encodeURIComponent(`level:error needle${tag}`)}&from=now-15m`,
    );
    await page.locator('.log-line').first().waitFor();
    const levelsShown = await page.locator('.log-line .level').allTextContents();
    t.ok(
      levelsShown.every((l) => l.toLowerCase() === 'error'),
      'level:error narrows to errors',
    );
  });

  await t.test('a bad query shows where it is wrong', async (t) => {
    await page.goto(`${base}/logs?q=${encodeURIComponent('level:(error OR')}&from=now-15m`);
    await page.locator('.query-error').waitFor();
    t.match(await page.locator('.query-error').textContent(), /Col \d+/);
    t.equal(await page.locator('.query-overlay .tok-error').count(), 1, 'the position is marked');
  });

  await t.test('the query bar completes field names and values', async (t) => {
    await page.goto(`${base}/logs?from=now-15m`);
    await page.getByLabel('Query').waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('serv');
    await page.getByRole('option', { name: /service:/ }).waitFor();
    await page.keyboard.press('Tab');
    await page.getByRole('option', { name: /checkout/ }).waitFor();
    await page.keyboard.press('Tab');
    t.match(await page.getByLabel('Query').inputValue(), /^service:(checkout|payments) $/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=service/);
    await page.locator('.log-line').first().waitFor();
  });

  await t.test('save a search and open it again', async (t) => {
    await page.goto(
      `${base}/logs?q=${encodeURIComponent(`needle${tag} level:error`)}&from=now-15m`,
    );
    await page.getByRole('button', { name: 'Saved' }).click();
    await page.getByRole('button', { name: /Save current search/ }).click();
    await page.getByLabel('Name').fill(`errors ${tag}`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.toast', { hasText: `errors ${tag}` }).waitFor();
    await page.goto(`${base}/logs?from=now-15m`);
    await page.getByRole('button', { name: 'Saved' }).click();
    await page.locator('.saved-open', { hasText: `errors ${tag}` }).click();
    await page.waitForURL(/level%3Aerror/);
    t.equal(new URL(page.url()).searchParams.get('q'), `needle${tag} level:error`);
  });

  await t.test('log content renders as text, never as HTML', async (t) => {
    await searchUntilFound(page, `${base}/logs?q=xss${tag}&from=now-15m`, `xss${tag}`);
    const row = page.locator('.log-line', { hasText: `xss${tag}` }).first();
    t.match(await row.textContent(), '<script>window.__xss=1</script><img src=x onerror=');
    await row.click();
    const detail = page.getByTestId('detail-message');
    t.equal(await detail.textContent(), xssMessage, 'the detail shows the message verbatim');
    t.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    t.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> element was created');
    t.equal(await page.locator('#root script').count(), 0, 'no <script> element was created');

    await searchUntilFound(page, `${base}/logs?q=ansi${tag}&from=now-15m`, `ansi${tag}`);
    t.match(
      await page
        .locator('.log-line', { hasText: `ansi${tag}` })
        .first()
        .textContent(),
      '␛[31mred alert␛[0m',
    );
  });

  await t.test('open a detail: fields, JSON, add as filter', async (t) => {
    await searchUntilFound(page, `${base}/logs?q=needle${tag}&from=now-15m`, `needle${tag}`);
    await page.locator('.log-line').nth(2).click();
    await page.locator('.detail').waitFor();
    t.match(page.url(), /[?&]row=/, 'the open row is in the URL');
    t.match(await page.getByTestId('detail-message').textContent(), `needle${tag}`);
    t.match(await page.locator('.detail').textContent(), /order_id/);
    await screenshot(page, 'desktop-detail');
    await page.getByRole('button', { name: 'Add service as filter' }).click();
    await page.waitForURL(/service%3A/);
    t.match(decodeURIComponent(page.url()), /service:(checkout|payments)/);
    await page.getByRole('tab', { name: 'JSON' }).click();
    await page.locator('.json-block pre').waitFor();
    t.match(await page.locator('.json-block pre').textContent(), /"attributes"/);
  });

  await t.test('drag across the histogram to zoom in', async (t) => {
    await searchUntilFound(page, `${base}/logs?q=needle${tag}&from=now-15m`, `needle${tag}`);
    const plot = page.getByTestId('histogram');
    const box = await plot.boundingBox();
    if (!box) throw new Error('no histogram');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.5, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.995, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/from=\d{4}-/);
    const url = new URL(page.url());
    const from = Date.parse(url.searchParams.get('from') ?? '');
    const to = Date.parse(url.searchParams.get('to') ?? '');
    t.ok(to > from && to - from < 10 * 60_000, 'the range is now absolute and narrower');
    await page
      .locator('.log-line', { hasText: `needle${tag}` })
      .first()
      .waitFor();
    t.pass('the logs are still there in the zoomed range');
  });

  await t.test('live tail shows a new log within 2 s', async (t) => {
    await page.goto(`${base}/logs?live=1&q=live${tag}`);
    await page.locator('.live-dot.live').waitFor({ timeout: 15_000 });
    await page.mouse.move(5, 5);
    const sent = Date.now();
    await sendLogs(base, ingestKey, [
      { level: 'info', service: 'tail', message: `hello live${tag}` },
    ]);
    await page
      .locator('.log-line', { hasText: `live${tag}` })
      .first()
      .waitFor({ timeout: 2_000 });
    t.ok(Date.now() - sent <= 2_000, `appeared after ${Date.now() - sent} ms`);
    await screenshot(page, 'desktop-live');
  });

  await t.test('a busy live query shows a sample, and says so', async (t) => {
    await page.goto(`${base}/logs?live=1&q=flood${tag}`);
    await page.locator('.live-dot.live').waitFor({ timeout: 15_000 });
    // Rows that arrive while the tail's resume is in flight all come (tail-sampling.test.ts): once
    // a first row is on screen, the next ones are live.
    await sendLogs(base, ingestKey, [{ level: 'info', message: `flood${tag} first` }]);
    await page.locator('.log-line', { hasText: `flood${tag} first` }).waitFor();
    const total = 400;
    await sendLogs(
      base,
      ingestKey,
      Array.from({ length: total }, (_, i) => ({ level: 'warn', message: `flood${tag} ${i}` })),
    );
    const banner = page.getByRole('status').filter({ hasText: 'Showing a sample' });
    await banner.waitFor({ timeout: 10_000 });
    const lines = page.locator('.log-line', { hasText: `flood${tag}` });
    await lines.first().waitFor({ timeout: 5_000 });
    const text = (await banner.textContent()) ?? '';
    const left = Number(/so ([\d,]+) matching rows? w/.exec(text)?.[1]?.replace(/,/g, ''));
    t.match(text, `more than ${TAIL_MAX_ROWS_PER_SECOND} rows a second`);
    // The list is virtual (only rows on screen are in the DOM); its footer counts them all.
    const footer = (await page.locator('.explorer-footer').textContent()) ?? '';
    const shown = Number(/([\d,]+) shown/.exec(footer)?.[1]?.replace(/,/g, '')) - 1;
    t.ok(shown > 0 && shown <= TAIL_MAX_ROWS_PER_SECOND, `${shown} flood rows shown`);
    t.equal(shown + left, total, `${shown} shown + ${left} left out = ${total} sent`);
    await screenshot(page, 'desktop-live-sampled');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'phone-live-sampled');
    await page.setViewportSize(DESKTOP);
  });

  await t.test('light theme', async () => {
    await page.goto(`${base}/logs?q=needle${tag}&from=now-15m`);
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await page.locator('.log-line').first().waitFor();
    await screenshot(page, 'desktop-explorer-light');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  });

  await t.test('phone size', async (t) => {
    const phone = await newContext(browser, problems, true);
    const mobile = await phone.newPage();
    await mobile.goto(`${base}/`);
    await mobile.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    await screenshot(mobile, 'phone-signin');
    await signInWithDevIdp(mobile, base, ADMIN);
    await searchUntilFound(mobile, `${base}/logs?q=needle${tag}&from=now-15m`, `needle${tag}`);
    const width = await mobile.evaluate(() => document.documentElement.scrollWidth);
    t.ok(width <= PHONE.width, `no horizontal scrolling (${width}px)`);
    await screenshot(mobile, 'phone-explorer');
    await mobile.locator('.log-line').first().click();
    await mobile.locator('.detail').waitFor();
    await screenshot(mobile, 'phone-detail');
    await mobile.goto(`${base}/admin/apps`);
    await mobile.locator('td', { hasText: appName }).waitFor();
    await screenshot(mobile, 'phone-admin');
    await phone.close();
  });

  await t.test('a viewer gets no admin pages', async (t) => {
    const context = await newContext(browser, problems);
    const viewer = await context.newPage();
    await signInWithDevIdp(viewer, base, VIEWER);
    t.equal(await viewer.getByRole('link', { name: 'Settings' }).count(), 0, 'no Settings link');
    await viewer.goto(`${base}/admin/apps`);
    await viewer.getByText('Admins only').waitFor();
    t.equal(await viewer.getByRole('button', { name: 'New app' }).count(), 0);
    await screenshot(viewer, 'desktop-viewer-admin');
    await context.close();
  });

  t.test('no console errors', async (t) => {
    t.same(problems.list, [], 'the browser console stayed clean');
    t.comment(`screenshots in ${SCREENSHOT_DIR}`);
  });
}

if (!chromiumAvailable()) {
  // npm test installs it (scripts/ensure-system-deps.sh chromium); a browser test that did not run
  // must not look like one that passed.
  t.fail(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`);
  t.end();
} else {
  await run();
}
