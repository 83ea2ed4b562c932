// The Redaction admin page in a real browser: an app's logs with a card number, a draft rule
// previewed over them (before/after), the rule created and switched off and on, and a record sent
// afterwards stored redacted; desktop and phone screenshots.
import crypto from 'node:crypto';
import t from 'tap';
import type { BrowserContext } from 'playwright-core';
import {
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
const CARD = '4111 1111 1111 1111';

/** The signed-in context's own API client (its cookies, and the CSRF header for mutations). */
async function request<T>(
  context: BrowserContext,
  base: string,
  path: string,
  method = 'GET',
  data?: unknown,
): Promise<T> {
  const csrf = (await context.cookies(base)).find((c) => c.name === 'mylog_csrf')?.value ?? '';
  const res = await context.request.fetch(`${base}${path}`, {
    method,
    headers: method === 'GET' ? {} : { 'x-csrf-token': decodeURIComponent(csrf) },
    ...(data === undefined ? {} : { data }),
  });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

// The file's budget: a subtest's setTimeout cannot extend tap's per-file timeout (package.json).
t.setTimeout(300_000);

t.test('Redaction page: preview, create, toggle; desktop and phone', async (t) => {
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const context = await browser.newContext({ viewport: DESKTOP });
  watchConsole(context, problems);
  const page = await context.newPage();
  await signInWithDevIdp(page, base, 'admin@demo.local');

  const me = await request<{ orgs: { id: string }[] }>(context, base, '/v1/me');
  const org = me.orgs[0] as { id: string };
  const created = await request<{ app: { id: string; name: string }; key: { key: string } }>(
    context,
    base,
    `/v1/orgs/${org.id}/apps`,
    'POST',
    { name: `Payments ${tag}` },
  );
  const send = (message: string) =>
    fetch(`${base}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ message }]),
    });
  t.equal((await send(`paid with ${CARD} ${tag}`)).status, 202);
  t.equal((await send(`no card here ${tag}`)).status, 202);

  await page.goto(`${base}/admin/redaction`);
  await page.getByRole('heading', { name: 'Redaction', exact: true }).waitFor();
  await page.getByLabel('Rules of').selectOption(created.app.id);
  await page.getByText('No redaction rules').waitFor();

  await page.getByRole('button', { name: 'New rule' }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('cards');
  await page.getByLabel('Detector', { exact: true }).selectOption('payment_card');
  await page.getByLabel('Action', { exact: true }).selectOption('partial');
  // The records are stored by the worker: preview until both are in the sample.
  const deadline = Date.now() + 60_000;
  let summary = '';
  while (Date.now() < deadline) {
    await page.getByRole('button', { name: 'Preview on recent logs' }).click();
    summary =
      (await page
        .locator('.redaction-preview p')
        .textContent()
        .catch(() => '')) ?? '';
    if (summary.includes('of the 2 newest')) break;
    await page.waitForTimeout(500);
  }
  t.match(summary, '1 of the 2 newest records would change');
  t.match(await page.locator('.redaction-preview').textContent(), `***************1111 ${tag}`);
  await screenshot(page, 'redaction-preview-desktop');
  await page.getByRole('button', { name: 'Create' }).click();
  const row = page.locator('tr', { hasText: 'payment_card' });
  await row.waitFor();
  t.match(await row.textContent(), 'partial (last 4)');

  const toggle = page.getByLabel('cards enabled');
  await toggle.click();
  await page.waitForFunction(
    () =>
      !(document.querySelector('input[aria-label="cards enabled"]') as HTMLInputElement)?.checked,
  );
  await toggle.click();
  await page.waitForFunction(
    () =>
      (document.querySelector('input[aria-label="cards enabled"]') as HTMLInputElement)?.checked,
  );
  const rules = await request<{ rules: { enabled: boolean }[] }>(
    context,
    base,
    `/v1/apps/${created.app.id}/redaction-rules`,
  );
  t.same(
    rules.rules.map((r) => r.enabled),
    [true],
    'created and on, as the page shows',
  );
  await screenshot(page, 'redaction-rules-desktop');

  await t.test('phone', async (t) => {
    const phone = await browser.newContext(PHONE_DEVICE);
    watchConsole(phone, problems);
    t.teardown(() => phone.close());
    const p = await phone.newPage();
    await signInWithDevIdp(p, base, 'admin@demo.local');
    await p.goto(`${base}/admin/redaction`);
    await p.getByLabel('Rules of').selectOption(created.app.id);
    await p.locator('tr', { hasText: 'payment_card' }).waitFor();
    const overflow = await p.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    t.ok(overflow <= 1, `no horizontal scroll on a phone (${overflow} px)`);
    await screenshot(p, 'redaction-rules-phone');
  });

  t.same(problems.list, [], 'no console errors');
});
