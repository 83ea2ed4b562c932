// Languages and time zones in a real browser against a real MyLog: the browser's language is the
// default, Polish and German picked in the user menu replace every catalogue text (and survive a
// reload and a new sign-in, from the server's copy), dates and numbers follow the locale, the
// pseudo-locale finds no text that bypassed the catalogue, and times follow the chosen zone, the
// explorer's UTC toggle and round ticks in that zone.
import crypto from 'node:crypto';
import t from 'tap';
import type { Page } from 'playwright-core';
import { createDb } from '../../src/infra/postgres.ts';
import {
  apiFromPage,
  DESKTOP,
  launchBrowser,
  screenshot,
  SCREENSHOT_DIR,
  signInWithDevIdp,
  watchConsole,
  type ConsoleProblems,
} from './browser.ts';
import { sendLogs } from './explorer-helpers.ts';
import { startMyLogServer } from './mylog-server.ts';
import { en } from '../../src/web/src/i18n/messages/en.ts';
import { pl } from '../../src/web/src/i18n/messages/pl.ts';
import { de } from '../../src/web/src/i18n/messages/de.ts';

const tag = crypto.randomBytes(3).toString('hex');

/**
 * Every page, signed in (`{row}`: the explorer with a row's detail open; `{app}`: an app's page
 * with its retention and deletion cards; `{qSyntax}`: the query bar with a syntax error; every other
 * syntax error, and the typo hints, are worded in test/unit/query-syntax-i18n.test.ts).
 */
const PAGES = [
  '/logs',
  '/logs?from=now-24h&row={row}',
  '/logs?q=nothing-matches-{tag}',
  '/no-such-page',
  '/dashboards',
  '/dashboards/builtin/overview',
  '/alerts',
  '/alerts/{alert}',
  '/alerts/new',
  '/usage',
  '/reports',
  '/admin/apps',
  '/admin/members',
  '/admin/apps/{app}',
  '/admin/channels',
  '/admin/deletions',
  '/admin/redaction',
  '/admin/audit',
  '/admin/orgs',
  '/logs?q={qSyntax}',
];
/** Pages shot whole in Polish (the longest of the languages), on a desktop and at phone width. */
const WHOLE_SHOTS = /^\/admin\/(apps\/|channels|deletions|redaction|audit|orgs)|q=status/;

/**
 * Visible words of the page outside log content and user data (`translate="no"`, code), with the
 * labels assistive tech reads. A string, not a function: tsx's name helpers do not exist in the page.
 */
const PAGE_TEXTS = `(() => {
  function skip(el) {
    return !el || !!el.closest('[translate="no"], script, style, code, pre, kbd, option');
  }
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent && node.textContent.trim();
    if (text && !skip(node.parentElement)) texts.push(text);
  }
  for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (skip(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  return texts;
})()`;

async function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate(PAGE_TEXTS) as Promise<string[]>;
}

/** Sign in from /login; the dev IdP may still know the user and send them straight back. */
async function signInAgain(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.locator('.signin a.button-primary').click();
  const deadline = Date.now() + 30_000;
  while (!page.url().startsWith(`${base}/logs`) && Date.now() < deadline) {
    if (page.url().includes('/dev-idp/') && (await page.locator('input[name=email]').count())) {
      await page.fill('input[name=email]', 'admin@demo.local');
      await page.fill('input[name=password]', 'demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    const allow = page.getByRole('button', { name: 'Allow' });
    if (await allow.isVisible().catch(() => false)) await allow.click();
    await page.waitForTimeout(200);
  }
  await page.waitForURL(`${base}/logs**`);
}

/** Sign out as the menu does, from a page without the SPA (whose polls would then get 401s). */
async function signOut(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/healthz`);
  await apiFromPage(page, '/auth/logout', 'POST');
  await page.goto(`${base}/login`);
}

/** Let the page settle: no spinner left (a search or a count still running). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page
    .locator('.spinner')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

/** A screenshot name for a path: its route, and which query page it is. */
function shotName(path: string): string {
  const route = path
    .split('?')[0]!
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, 'id')
    .replace(/\W+/g, '-');
  const query = /[?&]q=(\w+)/.exec(path)?.[1];
  return query && route === '-logs' ? `${route}-q-${query.slice(0, 12)}` : route;
}

const PHONE_SIZE = { width: 360, height: 640 };
/** The app scrolls inside `#main`, so a full-page shot needs a window as tall as its content. */
const CONTENT_HEIGHT = `(() => {
  const main = document.getElementById('main');
  return main ? window.innerHeight - main.clientHeight + main.scrollHeight : window.innerHeight;
})()`;

async function wholeShot(page: Page, size: { width: number; height: number }, name: string) {
  await page.setViewportSize(size);
  const height = (await page.evaluate(CONTENT_HEIGHT)) as number;
  await page.setViewportSize({
    width: size.width,
    height: Math.min(Math.max(height, size.height), 5000),
  });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
}

// The file's budget: a subtest's setTimeout cannot extend tap's per-file timeout (package.json).
t.setTimeout(480_000);

t.test('languages and time zones in the browser', async (t) => {
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const context = await browser.newContext({
    viewport: DESKTOP,
    locale: 'en-US',
    timezoneId: 'America/New_York',
  });
  const problems: ConsoleProblems = { list: [] };
  watchConsole(context, problems);
  const page = await context.newPage();
  await signInWithDevIdp(page, base, 'admin@demo.local');

  const me = await apiFromPage<{ orgs: { id: string }[] }>(page, '/v1/me');
  const created = await apiFromPage<{ app: { id: string }; key: { key: string } }>(
    page,
    `/v1/orgs/${me.orgs[0]!.id}/apps`,
    'POST',
    { name: `Locale ${tag}` },
  );
  // One row at a known instant (:07:05 past an hour, about three hours ago) and 1,234 more.
  const known = new Date(Date.now() - 3 * 3_600_000);
  known.setUTCMinutes(7, 5, 0);
  await sendLogs(base, created.key.key, [
    { ts: known.toISOString(), level: 'info', message: `known instant ${tag}` },
    ...Array.from({ length: 1234 }, (_, i) => ({ level: 'info', message: `bulk ${i} ${tag}` })),
  ]);
  // The insert worker stores them within seconds; a search on a busy machine can take a few too.
  const knownUrl = `${base}/logs?q=${encodeURIComponent(`"known instant ${tag}"`)}&from=now-24h`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    await page.goto(knownUrl);
    const found = await page
      .locator('.log-line', { hasText: `known instant ${tag}` })
      .first()
      .waitFor({ timeout: 15_000 })
      .then(
        () => true,
        () => false,
      );
    if (found) break;
    if (Date.now() > deadline) {
      await screenshot(page, 'i18n-search-failed');
      throw new Error(`the known row never showed\n${problems.list.join('\n')}`);
    }
  }
  const rowId = (await page.locator('.log-line').first().getAttribute('data-id')) as string;
  // An alert of the user's own: its name and query are user data (translate="no").
  const { alert } = await apiFromPage<{ alert: { id: string } }>(page, '/v1/alerts', 'POST', {
    org: me.orgs[0]!.id,
    name: `Checkout ${tag}`,
    q: `"${tag}"`,
    group_by: ['level'],
    condition: { op: '>', threshold: 1000 },
  });
  // The governance pages with something on them: a channel, a redaction rule, a deletion request
  // and a legal hold, placed as a platform admin (whom /admin/orgs is for).
  const db = createDb(server.env.DATABASE_URL as string, 1);
  t.teardown(() => db.destroy());
  await db
    .updateTable('users')
    .set({ platform_admin: true })
    .where('email', '=', 'admin@demo.local')
    .execute();
  const org = me.orgs[0]!.id;
  const app = created.app.id;
  await apiFromPage(page, '/v1/notification-channels', 'POST', {
    org,
    name: `Bell ${tag}`,
    type: 'in_app',
    config: {},
  });
  await apiFromPage(page, `/v1/orgs/${org}/redaction-rules`, 'POST', {
    name: `Cards ${tag}`,
    detector: { preset: 'payment_card' },
    scope: 'all',
    action: 'partial',
    keep: 4,
  });
  await apiFromPage(page, `/v1/apps/${app}/deletions`, 'POST', {
    q: `"nothing ${tag}"`,
    from: 'now-1d',
    to: 'now',
  });
  await apiFromPage(page, `/v1/apps/${app}/legal-hold`, 'PUT', { reason: `Matter ${tag}` });
  const pages = PAGES.map((p) =>
    p
      .replace('{row}', rowId)
      .replace('{tag}', tag)
      .replace('{alert}', alert.id)
      .replace('{app}', app)
      .replace('{qSyntax}', encodeURIComponent('status>=abc')),
  );
  /** Settled, and on the query syntax error page the parser's verdict is on screen. */
  const visit = async (path: string) => {
    await page.goto(`${base}${path}`);
    await settle(page);
    if (path.includes('q=status')) await page.locator('.query-error').waitFor();
  };

  // Picked once the server has the choice: the page shows it at once, and a navigation right
  // after could cancel the request that saves it (a later sign-in would then not find it).
  const pickInMenu = async (label: string, value: string) => {
    await page.locator('.avatar').click();
    const saved = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/v1/me/preferences' && r.request().method() === 'PATCH',
    );
    await page.getByLabel(label).selectOption(value);
    const answer = await saved;
    if (!answer.ok()) throw new Error(`saving ${value} answered ${answer.status()}`);
    await page.keyboard.press('Escape');
  };

  await t.test('the browser language is the default', async (t) => {
    const other = await browser.newContext({ locale: 'de-DE' });
    const fresh = await other.newPage();
    await fresh.goto(`${base}/login`);
    t.equal(await fresh.locator('h1').textContent(), de['signin.title']);
    t.equal(await fresh.getAttribute('html', 'lang'), 'de');
    await other.close();
    t.equal(await page.getAttribute('html', 'lang'), 'en');
  });

  for (const [locale, catalogue, label, dateShape] of [
    ['pl', pl, en['account.language'], /^\d{2}\.\d{2}\.\d{4}$/],
    ['de', de, pl['account.language'], /^\d{2}\.\d{2}\.\d{4}$/],
  ] as const) {
    await t.test(`${locale}: picked in the user menu, no English left`, async (t) => {
      await page.goto(`${base}/logs`);
      await pickInMenu(label, locale);
      await page.waitForFunction((lang) => document.documentElement.lang === lang, locale);
      // English words that the language says differently must not remain on any page.
      const english = new Set<string>(
        Object.entries(en)
          .filter(([key, text]) => !/[{<]/.test(text) && catalogue[key as keyof typeof en] !== text)
          .map(([, text]) => text),
      );
      for (const path of pages) {
        await visit(path);
        const left = (await pageTexts(page)).filter((text) => english.has(text));
        t.same(left, [], `${locale} ${path}: no English`);
        const name = `i18n-${locale}-${shotName(path)}`;
        if (locale === 'pl' && WHOLE_SHOTS.test(path)) {
          await wholeShot(page, DESKTOP, name);
          await wholeShot(page, PHONE_SIZE, `${name}-phone`);
          await page.setViewportSize(DESKTOP);
        } else await screenshot(page, name);
      }
      await page.goto(`${base}/logs?from=now-24h&q=${encodeURIComponent(`"${tag}"`)}`);
      await settle(page);
      t.match(
        (await page.locator('.cell-date').first().textContent())?.trim(),
        dateShape,
        'row date',
      );
      const total = (await page.locator('.histogram-total').textContent()) ?? '';
      const expected = new Intl.NumberFormat(locale).format(1235);
      t.ok(total.includes(expected), `histogram total "${total}" has ${expected}`);

      await page.reload();
      await page.waitForFunction((lang) => document.documentElement.lang === lang, locale);
      t.pass('kept across a reload');
    });
  }

  await t.test('the choice survives signing out and in again (kept on the server)', async (t) => {
    // Signed out the way the menu does it (the dev IdP's own logout page is not part of this).
    await signOut(page, base);
    await page.locator('.signin h1').waitFor();
    // Without the browser's own copy: the language must come back from the user's preferences.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await signInAgain(page, base);
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    t.equal(await page.getByRole('link', { name: de['nav.alerts'] }).count(), 1);
  });

  await t.test('pseudo-locale: no text bypasses the catalogue', async (t) => {
    await apiFromPage(page, '/v1/me/preferences', 'PATCH', { locale: null });
    await page.evaluate(() => localStorage.setItem('mylog.locale', 'en-XA'));
    // Accented letters only: a plain ASCII word is text that did not come from the catalogue.
    const untranslated = (text: string) =>
      /[A-Za-z]{2,}/.test(text) && !/[\u00c0-\u024f\u1e00-\u1eff]/.test(text);
    for (const path of [...pages, '/login']) {
      if (path === '/login') {
        await signOut(page, base);
        await page.locator('.signin h1').waitFor();
        await settle(page);
      } else await visit(path);
      const bad = (await pageTexts(page)).filter(untranslated);
      t.same(bad, [], `en-XA ${path}: every text from the catalogue`);
    }
    await page.evaluate(() => localStorage.setItem('mylog.locale', 'en'));
    await signInAgain(page, base);
  });

  await t.test('time zone: chosen zone, UTC toggle, round ticks', async (t) => {
    await apiFromPage(page, '/v1/me/preferences', 'PATCH', { locale: 'en' });
    await page.goto(`${base}/logs?from=now-24h&q=${encodeURIComponent(`"known instant ${tag}"`)}`);
    await pickInMenu(en['account.timeZone'], 'America/St_Johns');
    await page.locator('.time-zone-label', { hasText: 'America/St_Johns' }).waitFor();
    const inZone = (zone: string) =>
      new Intl.DateTimeFormat('en', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(known);
    await settle(page);
    const rowTime = async () =>
      (await page.locator('.log-line .cell-time').first().textContent()) ?? '';
    t.ok((await rowTime()).includes(inZone('America/St_Johns')), 'row time in America/St_Johns');
    // Hourly ticks in a -03:30 zone: on the zone's full hours, not UTC's (which read :30 there).
    const ticks = await page.locator('.histogram .axis-label').allTextContents();
    t.ok(ticks.length >= 2, `ticks: ${ticks.join(' ')}`);
    t.ok(
      ticks.every((tick) => /:00$/.test(tick)),
      `ticks on round hours in the zone: ${ticks.join(' ')}`,
    );
    await page.getByRole('button', { name: en['time.utc'], exact: true }).click();
    await page.locator('.time-zone-label', { hasText: 'UTC' }).waitFor();
    t.ok((await rowTime()).includes(inZone('UTC')), 'row time in UTC after one click');
    await screenshot(page, 'i18n-utc-toggle');
    await page.getByRole('button', { name: en['time.utc'], exact: true }).click();
    await page.locator('.time-zone-label', { hasText: 'America/St_Johns' }).waitFor();
    t.pass('back to the chosen zone');
  });

  await t.test('a clean console', async (t) => {
    t.same(problems.list, []);
  });
});
