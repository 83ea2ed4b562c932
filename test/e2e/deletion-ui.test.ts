// Deletion requests, retention and legal hold in the admin console, in a real browser against a
// real MyLog (scheduler on, so requests run as in production): an app's deletion by query, an end
// user erased across the org, a hold placed and released by a platform admin, desktop and phone.
import crypto from 'node:crypto';
import t from 'tap';
import type { Page } from 'playwright-core';
import { createDb } from '../../src/infra/postgres.ts';
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
import { sendLogs } from './explorer-helpers.ts';
import { startMyLogServer } from './mylog-server.ts';

const tag = crypto.randomBytes(3).toString('hex');

async function rowsOf(page: Page, appId: string, q: string): Promise<number> {
  const query = new URLSearchParams({ apps: appId, q, from: 'now-1h', to: 'now', limit: '100' });
  return (await apiFromPage<{ rows: unknown[] }>(page, `/v1/logs?${query}`)).rows.length;
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** No sideways scrolling on a phone. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (document.scrollingElement?.scrollWidth ?? 0) <= window.innerWidth + 1,
  );
}

// The file's budget: a subtest's setTimeout cannot extend tap's per-file timeout (package.json).
t.setTimeout(300_000);

t.test('deletions, retention and legal hold in the admin console', async (t) => {
  const server = await startMyLogServer(t, { DELETIONS_POLL_INTERVAL_MS: '500' });
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const context = await browser.newContext({ viewport: DESKTOP });
  watchConsole(context, problems);
  const page = await context.newPage();
  await signInWithDevIdp(page, base, 'admin@demo.local');

  const me = await apiFromPage<{ orgs: { id: string; slug: string }[] }>(page, '/v1/me');
  const org = me.orgs[0] as { id: string; slug: string };
  const { app } = await apiFromPage<{ app: { id: string; slug: string }; key: { key: string } }>(
    page,
    `/v1/orgs/${org.id}/apps`,
    'POST',
    { name: `Erasure ${tag}`, retention_days: 30 },
  ).then(async (created) => {
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => ({ message: `paid ${i}`, user_id: `u42-${tag}` })),
      ...Array.from({ length: 4 }, (_, i) => ({ message: `browsed ${i}`, user_id: `u7-${tag}` })),
    ];
    await sendLogs(base, created.key.key, rows);
    return created;
  });
  await until(async () => (await rowsOf(page, app.id, '')) === 10);

  await t.test('an app shows when its retention reaches stored rows', async (t) => {
    await page.goto(`${base}/admin/apps/${app.slug}`);
    const retention = page.getByRole('region', { name: 'Retention' });
    await retention.getByText('30 days').waitFor();
    t.ok(await retention.getByText('A change takes effect by').isVisible());
    t.notOk(
      await page.getByRole('button', { name: 'Place legal hold' }).count(),
      'org admins cannot hold',
    );
  });

  await t.test('a deletion by query runs to done and the rows are gone', async (t) => {
    await page.getByRole('button', { name: 'Delete logs…' }).click();
    await page.fill('input[name=deletion-query]', `user_id:u42-${tag}`);
    await page.getByRole('dialog').locator('select').selectOption('now-1d');
    await page.getByRole('button', { name: 'Delete matching logs' }).click();
    const requests = page.getByRole('region', { name: 'Deletion requests' });
    await requests.getByText('6 deleted').waitFor({ timeout: 30_000 });
    t.ok(await requests.getByText('done', { exact: true }).isVisible());
    await screenshot(page, 'deletion-app-desktop');
    t.equal(await rowsOf(page, app.id, `user_id:u42-${tag}`), 0, 'erased');
    t.equal(await rowsOf(page, app.id, `user_id:u7-${tag}`), 4, 'the other user stays');
  });

  await t.test('an end user is erased across the org from Data deletion', async (t) => {
    await page.getByRole('link', { name: 'Data deletion' }).click();
    await page.fill('input[name=erase-user-id]', `u7-${tag}`);
    await page.getByRole('button', { name: 'Erase everywhere' }).click();
    const all = page.getByRole('region', { name: 'All deletion requests' });
    await all.getByText('4 deleted').waitFor({ timeout: 30_000 });
    t.ok(await all.getByText(`end user u7-${tag} in every app`).isVisible());
    t.ok(
      await all.getByText(`user_id:u42-${tag}`, { exact: false }).isVisible(),
      'the app request too',
    );
    await screenshot(page, 'deletion-org-desktop');
    t.equal(await rowsOf(page, app.id, ''), 0);
  });

  await t.test('a platform admin places and releases a legal hold', async (t) => {
    const db = createDb(server.env.DATABASE_URL as string, 1);
    t.teardown(() => db.destroy());
    await db
      .updateTable('users')
      .set({ platform_admin: true })
      .where('email', '=', 'admin@demo.local')
      .execute();
    await page.goto(`${base}/admin/apps/${app.slug}`);
    await page.getByRole('button', { name: 'Place legal hold' }).click();
    await page.getByLabel('Reason').fill('Matter 2026-17');
    await page.getByRole('button', { name: 'Place hold' }).click();
    const retention = page.getByRole('region', { name: 'Retention' });
    await retention.getByText('On legal hold').waitFor();
    t.ok(await retention.getByText('after the hold is released').isVisible());

    await page.getByRole('button', { name: 'Delete logs…' }).click();
    await page.fill('input[name=deletion-query]', 'level:info');
    await page.getByRole('button', { name: 'Delete matching logs' }).click();
    await page.getByRole('dialog').getByText('legal hold').first().waitFor();
    await screenshot(page, 'deletion-hold-desktop');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await screenshot(page, 'deletion-hold-banner-desktop');

    await page.getByRole('button', { name: 'Release hold' }).click();
    await page.getByRole('button', { name: 'Place legal hold' }).waitFor();
    t.equal(await retention.getByText('On legal hold').count(), 0, 'released');
    await db
      .updateTable('users')
      .set({ platform_admin: false })
      .where('email', '=', 'admin@demo.local')
      .execute();
  });

  await t.test('phone: the same pages fit the screen', async (t) => {
    // The desktop session's cookies: no second sign-in.
    const phone = await browser.newContext({
      ...PHONE_DEVICE,
      storageState: await context.storageState(),
    });
    watchConsole(phone, problems);
    const small = await phone.newPage();
    await small.goto(`${base}/admin/apps/${app.slug}`);
    await small.getByRole('region', { name: 'Deletion requests' }).getByText('6 deleted').waitFor();
    await small.getByRole('region', { name: 'Retention' }).scrollIntoViewIfNeeded();
    t.ok(await fitsWidth(small), 'app page fits');
    await screenshot(small, 'deletion-app-phone');
    await small.goto(`${base}/admin/deletions`);
    await small
      .getByRole('region', { name: 'All deletion requests' })
      .getByText('4 deleted')
      .waitFor();
    t.ok(await fitsWidth(small), 'deletion page fits');
    await screenshot(small, 'deletion-org-phone');
    await phone.close();
  });

  // The one 409 is the refused deletion under legal hold, shown in the dialog.
  t.same(
    problems.list.filter((p) => !p.includes('status of 409')),
    [],
    'no console errors',
  );
});
