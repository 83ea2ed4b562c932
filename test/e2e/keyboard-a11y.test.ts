// The web app by keyboard and for assistive technology at 1920×1080, in a real Chromium against a
// real MyLog: axe-core on every page and in every dialog and popover while it is open, in the dark
// and the light theme (0 serious or critical violations); the skip link; the explorer (query,
// result list, log detail, time range) without a mouse; dialogs that keep Tab inside, close on
// Escape and give focus back to their opener; the admin tables' links and row actions by Tab,
// Enter and Space; a visible focus indicator. One server, one browser, one page for the file.
import t, { type Test } from 'tap';
import type { Locator, Page } from 'playwright-core';
import {
  apiFromPage,
  chromiumAvailable,
  CHROMIUM_PATH,
  launchBrowser,
  screenshot,
  signInWithDevIdp,
} from './browser.ts';
import { APP_PAGES, axeBothThemes, settle } from './axe.ts';
import { sendLogs } from './explorer-helpers.ts';
import { startMyLogServer } from './mylog-server.ts';

const ADMIN = 'admin@demo.local';
const DESKTOP_HD = { width: 1920, height: 1080 };
const tag = Date.now().toString(36);
/** More Tab presses than any page here has stops before the control a test is after. */
const MAX_TABS = 80;

interface Focused {
  tag: string;
  text: string;
  label: string;
  id: string;
  dataId: string;
  inDialog: boolean;
  /** What marks focus: a visible outline or a focus ring drawn with box-shadow. */
  ring: boolean;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) {
      return { tag: 'body', text: '', label: '', id: '', dataId: '', inDialog: false, ring: false };
    }
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim().slice(0, 60),
      label: el.getAttribute('aria-label') ?? '',
      id: el.id,
      dataId: el.dataset.id ?? '',
      inDialog: el.closest('dialog[open]') !== null,
      ring: outline || shadow,
    };
  });
}

/** Presses Tab (or Shift+Tab) until focus is on an element matching `selector`; how many it took. */
async function tabTo(page: Page, selector: string, back = false): Promise<number> {
  for (let i = 1; i <= MAX_TABS; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const there = await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
    if (there) return i;
  }
  throw new Error(`${selector} not reached with ${MAX_TABS} Tab presses`);
}

async function run(): Promise<void> {
  t.setTimeout(480_000);
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const context = await browser.newContext({
    viewport: DESKTOP_HD,
    colorScheme: 'dark',
    // axe is injected as a script; the app's CSP (rightly) refuses scripts it did not ship.
    bypassCSP: true,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();

  const axeClean = async (t: Test, where: string): Promise<void> => {
    const found = await axeBothThemes(page);
    t.same(found.dark, [], `${where}, dark: no serious or critical axe violation`);
    t.same(found.light, [], `${where}, light: no serious or critical axe violation`);
  };
  /** A dialog is open, focus is in it, and Tab from its last control comes back to its first. */
  const checkTrap = async (t: Test, dialog: Locator): Promise<void> => {
    await dialog.waitFor();
    t.ok((await focused(page)).inDialog, 'focus moved into the dialog');
    const stops = await dialog.evaluate(
      (d) =>
        Array.from(
          d.querySelectorAll<HTMLElement>(
            'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
          ),
        ).filter((el) => el.getClientRects().length > 0).length,
    );
    const start = await page.evaluate(() => document.activeElement?.outerHTML);
    for (let i = 0; i < stops; i++) {
      await page.keyboard.press('Tab');
      t.ok((await focused(page)).inDialog, `Tab ${i + 1} of ${stops} stays in the dialog`);
    }
    t.equal(
      await page.evaluate(() => document.activeElement?.outerHTML),
      start,
      `${stops} Tab presses go round the dialog to where they began`,
    );
    await page.keyboard.press('Shift+Tab');
    t.ok((await focused(page)).inDialog, 'Shift+Tab stays in the dialog too');
    // Back where it began, for what the caller types next.
    await page.keyboard.press('Tab');
  };

  let appSlug = '';
  await t.test('sign-in pages: axe at 1920×1080', async (t) => {
    await page.goto(`${base}/login`);
    await settle(page);
    await axeClean(t, '/login');
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await page.waitForURL(/\/dev-idp\//);
    await axeClean(t, 'dev IdP sign-in');
  });

  await t.test('sign in, an app, some logs', async (t) => {
    await signInWithDevIdp(page, base, ADMIN);
    const created = await apiFromPage<{ app: { id: string; slug: string }; key: { key: string } }>(
      page,
      '/v1/orgs/demo/apps',
      'POST',
      { name: `Keys ${tag}` },
    );
    appSlug = created.app.slug;
    await sendLogs(
      base,
      created.key.key,
      Array.from({ length: 12 }, (_, i) => ({
        level: i % 4 ? 'info' : 'error',
        service: 'checkout',
        message: `order ${i} kb${tag}`,
        attributes: { route: i % 2 ? '/pay' : '/cart' },
      })),
    );
    // Stored once search finds them (the insert worker writes in batches).
    const count = async (): Promise<number> =>
      (
        await apiFromPage<{ rows: { values: number[] }[] }>(page, '/v1/logs/aggregate', 'POST', {
          from: 'now-1h',
          to: 'now',
          apps: [created.app.id],
          measures: [{ op: 'count' }],
        })
      ).rows[0]?.values[0] ?? 0;
    const deadline = Date.now() + 60_000;
    while ((await count()) < 12 && Date.now() < deadline) await page.waitForTimeout(250);
    t.equal(await count(), 12, 'every row is stored');
  });

  for (const path of APP_PAGES) {
    await t.test(`${path}: axe at 1920×1080`, async (t) => {
      await page.goto(`${base}${path}`);
      if (path === '/docs') await page.locator('.swagger-ui .opblock').first().waitFor();
      if (path === '/logs') await page.locator('.log-line').first().waitFor();
      await settle(page);
      await axeClean(t, path);
    });
  }

  await t.test(
    'skip link: the first Tab stop, visible, and it moves focus to the page',
    async (t) => {
      await page.goto(`${base}/admin/apps`);
      await page.locator('.skip-link').waitFor({ state: 'attached' });
      await settle(page);
      await page.keyboard.press('Tab');
      const first = await focused(page);
      t.equal(first.text, 'Skip to content', 'the first Tab stop is the skip link');
      t.ok(first.ring, 'it shows a focus ring');
      const box = await page.locator('.skip-link').boundingBox();
      t.ok(box && box.width > 40 && box.height >= 40, 'and is on screen while focused');
      await screenshot(page, 'keyboard-skip-link');
      await page.keyboard.press('Enter');
      t.equal((await focused(page)).id, 'main', 'Enter moves focus to the main content');
      // The next Tab goes into the page, not back into the top bar.
      await page.keyboard.press('Tab');
      t.ok(
        await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement)),
        'Tab continues inside the page',
      );
    },
  );

  await t.test('explorer: query, result list, detail and back by keyboard', async (t) => {
    await page.goto(`${base}/logs?apps=${appSlug}`);
    await page.locator('.log-line').first().waitFor();
    // "/" is the explorer's shortcut to the query field.
    await page.keyboard.press('/');
    t.equal((await focused(page)).label, 'Query', '/ focuses the query');
    // Completions open as you type: the listbox and its active option, judged open.
    await page.keyboard.type('lev');
    await page.getByRole('listbox', { name: 'Suggestions' }).waitFor();
    await axeClean(t, 'query suggestions open');
    await page.keyboard.press('Escape');
    await page.keyboard.type('el:error ');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=level%3Aerror/);
    await page.locator('.log-line.level-row-error').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.log-line').length === 3);
    t.equal(await page.locator('.log-line').count(), 3, 'Enter ran the query: 3 error rows');
    // A list that opened on its own (nothing typed of the next term) must not hold Tab: Tab leaves.
    await page.getByLabel('Query').focus();
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await page.getByRole('listbox', { name: 'Suggestions' }).waitFor();
    await page.keyboard.press('Tab');
    t.not((await focused(page)).label, 'Query', 'Tab leaves the query bar with a list open');
    t.equal(
      await page.getByLabel('Query').inputValue(),
      'level:error ',
      'and takes no suggestion on the way',
    );

    // One Tab stop for the whole list, on its first row.
    await tabTo(page, '.log-line');
    const rows = page.locator('.log-line');
    const firstId = await rows.nth(0).getAttribute('data-id');
    const secondId = await rows.nth(1).getAttribute('data-id');
    let now = await focused(page);
    t.equal(now.dataId, firstId, 'Tab reaches the list at its first row');
    t.ok(now.ring, 'the focused row shows a focus ring');
    await page.keyboard.press('ArrowDown');
    now = await focused(page);
    t.equal(now.dataId, secondId, 'ArrowDown moves focus to the next row');
    t.notOk(page.url().includes('row='), 'moving alone does not open a detail');
    await screenshot(page, 'keyboard-log-row-focus');
    await page.keyboard.press('Enter');
    const detail = page.getByRole('complementary', { name: 'Log detail' });
    await detail.waitFor();
    t.match(page.url(), new RegExp(`row=${secondId}`), 'Enter opens the focused row');
    t.equal((await focused(page)).dataId, secondId, 'focus stays on the row');
    await axeClean(t, 'log detail open');
    // With the detail open, ArrowDown moves the selection and the detail follows.
    await page.keyboard.press('ArrowDown');
    const thirdId = await rows.nth(2).getAttribute('data-id');
    await page.waitForURL(new RegExp(`row=${thirdId}`));
    t.equal((await focused(page)).dataId, thirdId, 'ArrowDown moves row and detail together');
    // Into the detail and out with its close button: focus comes back to the row.
    await tabTo(page, '.detail button[aria-label="Close detail"]');
    await page.keyboard.press('Enter');
    await detail.waitFor({ state: 'detached' });
    t.equal((await focused(page)).dataId, thirdId, 'closing by button: focus back on the row');
    await page.keyboard.press('Space');
    await detail.waitFor();
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    t.notOk(page.url().includes('row='), 'Escape closed the detail');
    t.equal((await focused(page)).dataId, thirdId, 'closing by Escape: focus back on the row');
  });

  await t.test('time range picker and saved searches by keyboard', async (t) => {
    const toggle = page.locator('button[aria-haspopup=dialog][title="Time range"]');
    await toggle.focus();
    await page.keyboard.press('Enter');
    const picker = page.getByRole('dialog', { name: 'Time range' });
    await picker.waitFor();
    t.equal(await toggle.getAttribute('aria-expanded'), 'true', 'the toggle says it is open');
    await axeClean(t, 'time range open');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    t.equal((await focused(page)).text.includes('Last'), true, 'Escape: focus on the toggle');
    // Open again and choose a preset with Tab and Enter.
    await page.keyboard.press('Enter');
    await picker.waitFor();
    await tabTo(page, '.time-popover .chip');
    const preset = (await focused(page)).text;
    await page.keyboard.press('Enter');
    await picker.waitFor({ state: 'detached' });
    t.match(await toggle.innerText(), preset, `the range is now "${preset}"`);
    t.equal(await toggle.evaluate((el) => el === document.activeElement), true, 'focus is back');
    // The absolute range form: its fields are labelled and reachable.
    await page.keyboard.press('Enter');
    await tabTo(page, '.time-popover input[type=datetime-local]');
    t.ok((await focused(page)).ring, 'the date field shows focus');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });

    // Saved searches: the popover, then "Save current search" in a dialog.
    const saved = page.getByRole('button', { name: 'Saved' });
    await saved.focus();
    await page.keyboard.press('Enter');
    const popover = page.getByRole('dialog', { name: 'Saved searches' });
    await popover.waitFor();
    await axeClean(t, 'saved searches open');
    await tabTo(page, '.saved-popover .menu-item');
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    t.equal((await focused(page)).tag, 'input', 'the dialog starts at its Name field');
    await checkTrap(t, dialog);
    await axeClean(t, 'save search dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    t.equal(
      await saved.evaluate((el) => el === document.activeElement),
      true,
      'Escape closed the dialog and focus is back on Saved',
    );

    // The other explorer popovers, open: apps, columns, the bell and the account menu.
    for (const [toggle, label] of [
      ['.toolbar button[title="Apps"]', 'Apps'],
      ['.column-picker > button', 'Columns'],
    ] as const) {
      await page.locator(toggle).click();
      const popover = page.getByRole('dialog', { name: label });
      await popover.waitFor();
      await axeClean(t, `${label} open`);
      await page.keyboard.press('Escape');
      await popover.waitFor({ state: 'detached' });
    }
    await page.locator('.bell-button').click();
    await page.locator('.bell-popover').waitFor();
    await axeClean(t, 'notifications open');
    await page.keyboard.press('Escape');
    await page.locator('.avatar').click();
    await page.locator('.account-popover').waitFor();
    await axeClean(t, 'account menu open');
    await page.keyboard.press('Escape');
    await page.locator('.account-popover').waitFor({ state: 'detached' });
    t.ok(await page.locator('.avatar').evaluate((el) => el === document.activeElement));
  });

  await t.test('admin tables: apps, keys, members, audit by Tab, Enter and Space', async (t) => {
    await page.goto(`${base}/admin/apps`);
    await settle(page);
    await page.locator('#main').focus();
    await tabTo(page, `table a[href="/admin/apps/${appSlug}"]`);
    t.ok((await focused(page)).ring, 'the app link shows focus');
    await screenshot(page, 'keyboard-admin-table-focus');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/admin/apps/${appSlug}`);
    await settle(page);

    // New key: a form dialog by keyboard, then the dialog that shows the key.
    const newKey = page.getByRole('button', { name: 'New key' });
    await newKey.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog[open]');
    await checkTrap(t, dialog);
    await axeClean(t, 'new key form');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    t.ok(await newKey.evaluate((el) => el === document.activeElement), 'focus back on New key');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.type(`second ${tag}`);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Copy key' }).waitFor();
    await axeClean(t, 'new key shown');
    // "I've copied it": the footer's one button.
    await dialog.locator('.dialog-footer .button-primary').click();
    await dialog.waitFor({ state: 'detached' });

    // A row action by Space: Revoke opens a confirmation; Escape backs out to the same button.
    const revoke = await tabTo(page, 'table button.button-danger-ghost');
    t.ok(revoke > 0, 'Revoke is reachable by Tab');
    const revokeButton = await page.evaluate(() => document.activeElement?.outerHTML);
    await page.keyboard.press('Space');
    await checkTrap(t, dialog);
    await axeClean(t, 'confirm dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    t.equal(
      await page.evaluate(() => document.activeElement?.outerHTML),
      revokeButton,
      'Escape: focus back on the Revoke button of that row',
    );

    // A pending invitation: a row with an action (the only member, oneself, has none).
    await apiFromPage(page, '/v1/orgs/demo/members', 'POST', {
      email: `invited-${tag}@example.com`,
      role: 'member',
    });
    await page.goto(`${base}/admin/members`);
    await settle(page);
    await page.locator('#main').focus();
    await tabTo(page, 'table button');
    t.ok((await focused(page)).ring, 'a member row action shows focus');
    const invite = page.getByRole('button', { name: 'Invite member' });
    await invite.focus();
    await page.keyboard.press('Space');
    await checkTrap(t, dialog);
    await axeClean(t, 'invite dialog');
    await page.keyboard.press('Escape');
    t.ok(await invite.evaluate((el) => el === document.activeElement), 'focus back on Invite');

    await page.goto(`${base}/admin/audit`);
    await settle(page);
    await page.locator('#main').focus();
    await tabTo(page, 'table .row-toggle');
    t.equal(await page.evaluate(() => document.activeElement?.ariaExpanded), 'false');
    await page.keyboard.press('Enter');
    await page.locator('.audit-detail').first().waitFor();
    t.equal(
      await page.evaluate(() => document.activeElement?.ariaExpanded),
      'true',
      'Enter opens the audit entry',
    );
    await axeClean(t, 'audit entry open');
  });

  await t.test('dashboards and alerts: the panel editor and the rule form', async (t) => {
    await page.goto(`${base}/dashboards`);
    await settle(page);
    const create = page.getByRole('button', { name: 'New dashboard' });
    await create.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog[open]');
    await checkTrap(t, dialog);
    await page.keyboard.type(`Board ${tag}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}/);
    const add = page.getByRole('button', { name: 'Add panel' });
    await add.focus();
    await page.keyboard.press('Enter');
    await checkTrap(t, dialog);
    await page.getByTestId('panel-preview').locator('canvas').first().waitFor();
    await axeClean(t, 'panel editor');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    t.ok(await add.evaluate((el) => el === document.activeElement), 'focus back on Add panel');

    await page.goto(`${base}/alerts`);
    await settle(page);
    const newAlert = page.getByRole('button', { name: 'New alert' }).first();
    await newAlert.focus();
    await page.keyboard.press('Enter');
    await checkTrap(t, dialog);
    await settle(page);
    await axeClean(t, 'alert rule form');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
}

if (!chromiumAvailable()) {
  t.fail(`Chromium not found at ${CHROMIUM_PATH}: install it or set CHROMIUM_PATH`);
} else {
  await run();
}
