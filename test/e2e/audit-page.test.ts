// The audit page in a real browser against a real MyLog (issue 17 §4, issue 19's phone table):
// a search made from the page shows up as a read entry, the kind filter keeps reads only, the
// chain status reads "intact" and turns to "broken" naming the entry once a row is edited by hand
// in Postgres; on a phone the Action column stays on screen.
import { sql } from 'kysely';
import t from 'tap';
import { createDb } from '../../src/infra/postgres.ts';
import {
  apiFromPage,
  DESKTOP,
  launchBrowser,
  PHONE,
  PHONE_DEVICE,
  screenshot,
  signInWithDevIdp,
  watchConsole,
  type ConsoleProblems,
} from './browser.ts';
import { startMyLogServer } from './mylog-server.ts';

// The file's budget: a subtest's setTimeout cannot extend tap's per-file timeout (package.json).
t.setTimeout(240_000);

t.test('audit page: reads, kind filter, chain status, phone layout', async (t) => {
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const context = await browser.newContext({ viewport: DESKTOP });
  watchConsole(context, problems);
  const page = await context.newPage();
  await signInWithDevIdp(page, base, 'admin@demo.local');

  // An app, then a search of it from the signed-in page: one read entry in the org's log.
  const me = await apiFromPage<{ orgs: { id: string }[] }>(page, '/v1/me');
  const org = (me.orgs[0] as { id: string }).id;
  await apiFromPage(page, `/v1/orgs/${org}/apps`, 'POST', { name: 'Audit shop' });
  await apiFromPage(page, '/v1/logs?q=checkout');
  await page.goto(`${base}/admin/audit`);
  const status = page.getByTestId('chain-status');
  await status.getByText(/Chain intact: \d+ entries verified/).waitFor();
  const pills = page.locator('.audit-table .pill-action');
  // The unfiltered first page must be on screen before filtering: were it still on its way, the
  // app's creation would be "gone" at once and the unfiltered rows read as the filtered ones.
  await pills.filter({ hasText: 'app.create' }).waitFor();
  await page.getByLabel('Filter by kind').selectOption('read');
  // The filtered page has replaced the first one once the app's creation is gone from it.
  await pills.filter({ hasText: 'app.create' }).waitFor({ state: 'detached' });
  await pills.first().getByText('read.search').waitFor();
  const actions = await pills.allInnerTexts();
  t.ok(actions.length > 0 && actions.every((a) => a.startsWith('read.')), actions.join(','));
  t.match(await page.locator('.audit-table tbody tr').first().innerText(), /q: checkout/);
  await screenshot(page, 'audit-desktop');

  await t.test('on a phone the Action column is on screen', async (t) => {
    const phone = await browser.newContext({
      ...PHONE_DEVICE,
      storageState: await context.storageState(),
    });
    watchConsole(phone, problems);
    const small = await phone.newPage();
    await small.goto(`${base}/admin/audit`);
    await small
      .getByTestId('chain-status')
      .getByText(/Chain intact/)
      .waitFor();
    const header = await small.locator('.audit-table th', { hasText: 'Action' }).boundingBox();
    const pill = await small.locator('.audit-table .pill-action').first().boundingBox();
    t.ok(header && header.x + header.width <= PHONE.width, `header ${JSON.stringify(header)}`);
    t.ok(pill && pill.x >= 0 && pill.x + pill.width <= PHONE.width, `pill ${JSON.stringify(pill)}`);
    await screenshot(small, 'audit-phone');
    await phone.close();
  });

  await t.test('an entry edited by hand shows as a broken chain', async (t) => {
    const db = createDb(server.env.DATABASE_URL as string, 1);
    t.teardown(() => db.destroy());
    const victim = await db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'read.search')
      .executeTakeFirstOrThrow();
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`.execute(db);
    await sql`UPDATE audit_log SET after = '{"q":"nothing"}' WHERE id = ${victim.id}`.execute(db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`.execute(db);
    await page.getByRole('button', { name: 'Check again' }).click();
    await status.getByText(`Chain broken at entry ${victim.id}`).waitFor();
    await screenshot(page, 'audit-chain-broken');
    t.pass('the page names the edited entry');
  });
  t.same(problems.list, [], 'no console errors');
});
