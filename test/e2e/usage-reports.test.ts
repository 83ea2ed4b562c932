// The Usage and Reports pages in a real browser against a real MyLog: logs sent with end-user ids,
// then the pages' figures compared with what the API answers for the same org (usage by app and
// by end user, spend, a month-to-date report generated from the page), on desktop and phone.
import crypto from 'node:crypto';
import t from 'tap';
import {
  apiFromPage,
  DESKTOP,
  launchBrowser,
  PHONE_DEVICE,
  screenshot,
  signInWithDevIdp,
  watchConsole,
  type ConsoleProblems,
} from './browser.ts';
import { startMyLogServer } from './mylog-server.ts';

const tag = crypto.randomBytes(3).toString('hex');

const count = (n: number) => n.toLocaleString('en-US');
const money = (minor: number, digits: number, currency: string) =>
  new Intl.NumberFormat('en', {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);

interface UsageRow {
  app_id?: string;
  user_id?: string;
  records: number;
}

// The file's budget: a subtest's setTimeout cannot extend tap's per-file timeout (package.json).
t.setTimeout(300_000);

t.test('Usage and Reports pages show what the API answers', async (t) => {
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const context = await browser.newContext({ viewport: DESKTOP });
  watchConsole(context, problems);
  const page = await context.newPage();
  await signInWithDevIdp(page, base, 'admin@demo.local');

  const me = await apiFromPage<{ orgs: { id: string; slug: string; role: string }[] }>(
    page,
    '/v1/me',
  );
  const org = me.orgs[0] as { id: string; slug: string };
  const created = await apiFromPage<{ app: { id: string; name: string }; key: { key: string } }>(
    page,
    `/v1/orgs/${org.id}/apps`,
    'POST',
    { name: `Billing ${tag}` },
  );
  const users = ['alice', 'bob', 'carol'].map((u) => `${u}-${tag}`);
  const records = Array.from({ length: 90 }, (_, i) => ({
    level: i % 9 === 0 ? 'error' : 'info',
    message: `checkout ${i} ${tag}`,
    user_id: users[i % 3 === 0 ? 0 : i % 2 === 0 ? 1 : 2],
  }));
  const sent = await fetch(`${base}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${created.key.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  t.equal(sent.status, 202);

  // The worker stores them; the usage counters follow the stored rows.
  let byUser: UsageRow[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    byUser = (
      await apiFromPage<{ rows: UsageRow[] }>(page, `/v1/orgs/${org.id}/usage?group_by=user_id`)
    ).rows.filter((r) => users.includes(r.user_id ?? ''));
    if (byUser.reduce((n, r) => n + r.records, 0) === 90) break;
    await page.waitForTimeout(500);
  }
  t.equal(
    byUser.reduce((n, r) => n + r.records, 0),
    90,
    'the API counts all 90 records',
  );

  await t.test('Usage page', async (t) => {
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL(/\/usage$/);
    const byApp = (
      await apiFromPage<{ rows: UsageRow[] }>(page, `/v1/orgs/${org.id}/usage?group_by=app`)
    ).rows;
    const appRow = page.locator('[data-testid=usage-row]', { hasText: created.app.name });
    await appRow.waitFor();
    t.match(
      await appRow.textContent(),
      count(byApp.find((r) => r.app_id === created.app.id)?.records ?? -1),
      'records of the app as the API says',
    );
    const spend = (
      await apiFromPage<{
        spend: {
          to_date_minor: number;
          projected_minor: number;
          minor_digits: number;
          currency: string;
        };
      }>(page, `/v1/orgs/${org.id}/spend`)
    ).spend;
    t.equal(
      (await page.getByTestId('spend-to-date').textContent())?.trim(),
      money(spend.to_date_minor, spend.minor_digits, spend.currency),
    );
    t.equal(
      (await page.getByTestId('spend-projected').textContent())?.trim(),
      money(spend.projected_minor, spend.minor_digits, spend.currency),
    );
    await page.getByRole('tab', { name: 'By end user' }).click();
    for (const row of byUser) {
      const line = page.locator('[data-testid=usage-row]', { hasText: row.user_id });
      await line.waitFor();
      t.match(await line.textContent(), `${row.user_id}${count(row.records)}`, `${row.user_id}`);
    }
    await screenshot(page, 'desktop-usage');
  });

  await t.test('Reports page: generate month to date, view, download', async (t) => {
    await page.getByRole('link', { name: 'Monthly reports' }).click();
    await page.waitForURL(/\/reports$/);
    await page.getByRole('button', { name: 'Generate month to date' }).click();
    await page.getByTestId('report-view').waitFor();
    const month = new URL(page.url()).searchParams.get('month') as string;
    const report = await apiFromPage<{
      totals: { records: number };
      active_end_users: number;
      cost: { total_minor: number };
      minor_digits: number;
      currency: string;
      partial: boolean;
      apps: { name: string; records: number }[];
    }>(page, `/v1/orgs/${org.id}/reports/${month}`);
    t.equal(report.partial, true);
    t.equal(
      (await page.getByTestId('report-records').textContent())?.trim(),
      count(report.totals.records),
    );
    t.equal(
      (await page.getByTestId('report-end-users').textContent())?.trim(),
      count(report.active_end_users),
    );
    t.equal(
      (await page.getByTestId('report-cost').textContent())?.trim(),
      money(report.cost.total_minor, report.minor_digits, report.currency),
    );
    const app = report.apps.find((a) => a.name === created.app.name);
    t.equal(app?.records, 90);
    t.match(
      await page.locator('[data-testid=report-app]', { hasText: created.app.name }).textContent(),
      count(90),
    );
    const pdf = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        head: (await res.text()).slice(0, 5),
      };
    }, `/v1/orgs/${org.id}/reports/${month}.pdf`);
    t.same(
      pdf,
      { status: 200, type: 'application/pdf', head: '%PDF-' },
      'the PDF link serves a PDF',
    );
    await screenshot(page, 'desktop-reports');

    const phone = await browser.newContext({
      ...PHONE_DEVICE,
      storageState: await context.storageState(),
    });
    watchConsole(phone, problems);
    const small = await phone.newPage();
    await small.goto(`${base}/reports?month=${month}`);
    await small.getByTestId('report-view').waitFor();
    await screenshot(small, 'phone-reports');
    await small.goto(`${base}/usage`);
    await small.getByTestId('spend-to-date').waitFor();
    await screenshot(small, 'phone-usage');
    await phone.close();
  });
  t.same(problems.list, [], 'no console errors');
});
