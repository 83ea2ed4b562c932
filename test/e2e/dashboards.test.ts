// Dashboards in a real browser against a real MyLog: build a dashboard with three panel types in
// the editor, save, reload and see the same charts; the built-in Overview shows the count that
// ClickHouse gives directly; a click on a group opens the explorer with that filter; screenshots
// on desktop (dark and light) and on a phone, and a clean console.
import crypto from 'node:crypto';
import t from 'tap';
import {
  apiFromPage,
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

const ADMIN = 'admin@demo.local';
const tag = crypto.randomBytes(4).toString('hex');

async function run(): Promise<void> {
  t.setTimeout(400_000);
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark' });
  watchConsole(context, problems);
  const page = await context.newPage();
  let created = { app: { id: '' }, key: { key: '' } };
  const services = ['checkout', 'payments', 'search'];
  const levels = ['info', 'info', 'warn', 'error'];
  const records = Array.from({ length: 120 }, (_, i) => ({
    level: levels[i % levels.length],
    service: services[i % services.length],
    message: `order ${i} handled in ${i % 50} ms dash${tag}`,
    attributes: { duration_ms: String((i * 7) % 400), route: i % 2 ? '/pay' : '/search' },
  }));
  // What ClickHouse holds for the app, asked directly through the aggregate API.
  const countNow = async (): Promise<number> => {
    const answer = await apiFromPage<{ rows: { values: number[] }[] }>(
      page,
      '/v1/logs/aggregate',
      'POST',
      { from: 'now-1h', to: 'now', apps: [created.app.id], measures: [{ op: 'count' }] },
    );
    return answer.rows[0]?.values[0] ?? 0;
  };

  await t.test('sign in, make an app, send logs', async (t) => {
    await signInWithDevIdp(page, base, ADMIN);
    const me = await apiFromPage<{ orgs: { id: string; slug: string }[] }>(page, '/v1/me');
    const org = me.orgs[0] as { id: string; slug: string };
    created = await apiFromPage(page, `/v1/orgs/${org.id}/apps`, 'POST', { name: `Dash ${tag}` });
    const sent = await fetch(`${base}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(records),
    });
    t.equal(sent.status, 202);
    for (let i = 0; i < 240 && (await countNow()) < records.length; i++) {
      await page.waitForTimeout(500);
    }
    t.equal(await countNow(), records.length, 'every row is stored');
  });

  await t.test('build a dashboard with three panel types, reload, same charts', async (t) => {
    await page.goto(`${base}/dashboards`);
    await page.getByRole('button', { name: 'New dashboard' }).click();
    await page.getByLabel('Name').fill(`Shop ${tag}`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}/);

    // 1: a stacked bar time series by level (the editor's default panel).
    await page.getByRole('button', { name: 'Add panel' }).click();
    await page
      .getByTestId('panel-preview')
      .locator('[data-testid=timeseries-chart] canvas')
      .waitFor();
    await page.getByRole('button', { name: 'Apply' }).click();
    // 2: a top list of services.
    await page.getByRole('button', { name: 'Add panel' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Top services');
    await dialog.getByLabel('Type').selectOption('top_list');
    await dialog.getByLabel('Group by').fill('service');
    await page.getByTestId('panel-preview').locator('.top-list li').first().waitFor();
    await page.getByRole('button', { name: 'Apply' }).click();
    // 3: a table of p95 duration by route.
    await page.getByRole('button', { name: 'Add panel' }).click();
    await dialog.getByLabel('Title').fill('Slow routes');
    await dialog.getByLabel('Type').selectOption('table');
    await dialog.getByLabel('Measure 1 op').selectOption('p95');
    await dialog.getByLabel('Measure 1 field').fill('duration_ms');
    await dialog.getByLabel('Group by').fill('route');
    await page.getByTestId('panel-preview').locator('td', { hasText: '/pay' }).waitFor();
    await page.getByRole('button', { name: 'Apply' }).click();

    // Move the table up beside the chart: drag its title bar.
    const head = page.locator('[data-panel=panel-3] .panel-head');
    const box = await head.boundingBox();
    if (box) {
      await page.mouse.move(box.x + 40, box.y + 10);
      await page.mouse.down();
      await page.mouse.move(box.x + 40 + 700, box.y + 10 - 610, { steps: 8 });
      await page.mouse.up();
    }
    await screenshot(page, 'desktop-dashboard-editing');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.toast', { hasText: 'Dashboard saved' }).waitFor();

    const topBefore = await page.locator('[data-panel=panel-2] .top-list li').allTextContents();
    const tableBefore = await page.locator('[data-panel=panel-3] tbody tr').allTextContents();
    await page.reload();
    await page.locator('[data-panel=panel-1] [data-testid=timeseries-chart] canvas').waitFor();
    await page.locator('[data-panel=panel-2] .top-list li').first().waitFor();
    await page.locator('[data-panel=panel-3] tbody tr').first().waitFor();
    t.same(await page.locator('[data-panel=panel-2] .top-list li').allTextContents(), topBefore);
    t.same(await page.locator('[data-panel=panel-3] tbody tr').allTextContents(), tableBefore);
    t.equal(topBefore.length, 3, 'three services');
    t.ok(
      topBefore.every((row) => /40$/.test(row)),
      'each service counted 40 times',
    );
    const layout = await page.locator('[data-panel=panel-3]').evaluate((el) => el.style.gridRow);
    t.match(layout, /^1 \//, 'the dragged panel kept its new place');
    await screenshot(page, 'desktop-dashboard');

    await page.locator('[data-panel=panel-2] .top-list button', { hasText: 'payments' }).click();
    await page.waitForURL(/\/logs\?/);
    t.match(new URL(page.url()).searchParams.get('q') ?? '', /service:payments/);
  });

  await t.test('the Overview counts what ClickHouse counts', async (t) => {
    const direct = await countNow();
    await page.goto(`${base}/dashboards/builtin/overview?from=now-1h&to=now`);
    const stat = page.locator('[data-panel=errors] [data-testid=stat-value] strong');
    await stat.waitFor();
    const errors = records.filter((r) => r.level === 'error').length;
    t.equal(await stat.textContent(), String(errors), 'errors panel = error rows stored');
    const services = await page.locator('[data-panel=top-services] .top-list li').allTextContents();
    const total = services.reduce(
      (n, s) => n + Number(/(\d[\d,]*)$/.exec(s)?.[1]?.replace(/,/g, '') ?? 0),
      0,
    );
    t.equal(total, direct, 'top services add up to the direct count');
    await page.locator('[data-panel=slowest] tbody tr').first().waitFor();
    await page.locator('[data-panel=top-errors] td', { hasText: '<*>' }).first().waitFor();
    await screenshot(page, 'desktop-overview');
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'light';
    });
    await page.waitForTimeout(300);
    await screenshot(page, 'desktop-overview-light');
    // A table row opens by keyboard too: its first cell is a button.
    const handle = page.locator('[data-panel=slowest] tbody tr .row-toggle').first();
    const group = ((await handle.textContent()) ?? '').trim();
    await handle.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/logs\?/);
    t.ok(
      (new URL(page.url()).searchParams.get('q') ?? '').includes(group),
      `Enter on the row "${group}" opens the explorer filtered to it`,
    );
  });

  await t.test(
    'explorer: facet sidebar filters, column picker adds attribute columns',
    async (t) => {
      await page.evaluate(() => {
        document.documentElement.dataset.theme = 'dark';
      });
      await page.goto(`${base}/logs?q=${encodeURIComponent(`dash${tag}`)}&from=now-1h`);
      const facet = page.locator('[data-facet=service] .facet-value', { hasText: 'payments' });
      await facet.waitFor();
      t.match(await facet.textContent(), /payments\s*40/, 'top values with counts');
      await facet.click();
      await page.waitForURL(/service%3Apayments/);
      t.match(new URL(page.url()).searchParams.get('q') ?? '', /service:payments/);
      await page.getByRole('button', { name: /^Columns/ }).click();
      await page.locator('.column-popover label', { hasText: 'route' }).click();
      await page.keyboard.press('Escape');
      await page
        .locator('.log-line .cell-attr', { hasText: /^\/(pay|search)$/ })
        .first()
        .waitFor();
      await page.mouse.click(5, 300);
      await screenshot(page, 'desktop-explorer-facets-columns');
    },
  );

  await t.test('on a phone, panels stack', async (t) => {
    const phone = await browser.newContext({
      ...PHONE_DEVICE,
      colorScheme: 'dark',
      storageState: await context.storageState(),
    });
    watchConsole(phone, problems);
    const p = await phone.newPage();
    await p.goto(`${base}/dashboards/builtin/overview?from=now-1h&to=now`);
    await p.locator('[data-panel=top-services] .top-list li').first().waitFor();
    const widths = await p
      .locator('.dash-panel')
      .evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().width)));
    t.ok(widths.length >= 5 && new Set(widths).size === 1, `one column (${widths.join(',')})`);
    await p.locator('[data-panel=volume] canvas').waitFor();
    await p.locator('[data-panel=errors] [data-testid=stat-value]').waitFor();
    await screenshot(p, 'phone-overview');
    await p.goto(`${base}/dashboards/builtin/ingest_health`);
    await p.locator('[data-panel=accepted] canvas').waitFor();
    await screenshot(p, 'phone-ingest-health');
    await phone.close();
  });

  t.same(problems.list, [], 'no console errors');
}

if (!chromiumAvailable()) {
  t.fail(`Chromium not found at ${CHROMIUM_PATH}`);
} else {
  await run();
}
