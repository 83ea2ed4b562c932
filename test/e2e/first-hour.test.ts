// A newcomer's first hour (issue 13, section 2), in Chromium against a real MyLog: the README's
// path ends with the first log on screen, live tail continues exactly where a search ends, the org
// switcher scopes the explorer, Context keeps to the row's source, paste + Enter searches what was
// pasted, typos get hints, SSO roles say where they come from, one retention default, the audit
// filter's example matches, viewers are not offered what they cannot do, rotated-out keys offer
// nothing, the key dialog means what it says, a sign-in on 127.0.0.1 or a failed one recovers,
// and request logs stay quiet.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_RETENTION_DAYS } from '../../src/modules/apps/retention.ts';
import { projectRoot } from '../../src/infra/project-paths.ts';
import {
  DESKTOP,
  launchBrowser,
  PHONE,
  screenshot,
  signInWithDevIdp,
  watchConsole,
  type ConsoleProblems,
} from './browser.ts';
import { searchUntilFound, sendLogs } from './explorer-helpers.ts';
import { startMyLogServer } from './mylog-server.ts';

const run = promisify(execFile);
const tag = crypto.randomBytes(4).toString('hex');

/** The explorer footer's "N shown": every row in the list, rendered or not (the list is virtual). */
async function shownCount(page: Page): Promise<number> {
  const text = (await page.locator('.explorer-footer span').first().textContent()) ?? '';
  return Number(/([\d,]+) shown/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN);
}

async function run_(): Promise<void> {
  t.setTimeout(600_000);
  const server = await startMyLogServer(t, { LOG_LEVEL: 'debug' });
  const base = server.baseUrl;
  const mylog = async (...args: string[]) => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, 'src', 'cli.ts'), ...args, '--json'],
      { cwd: projectRoot, env: { ...server.env, LOG_LEVEL: 'error' } },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  };
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const problems: ConsoleProblems = { list: [] };
  const newContext = async (phone = false): Promise<BrowserContext> => {
    const context = await browser.newContext(
      phone ? { viewport: PHONE, isMobile: true, hasTouch: true } : { viewport: DESKTOP },
    );
    watchConsole(context, problems);
    return context;
  };
  const admin = await newContext();
  const page = await admin.newPage();
  let demoKey = '';
  let demoAppSlug = '';

  await t.test('README path: app in demo from the CLI, curl, the admin sees the log', async (t) => {
    // The README: `mylog app create --org demo --name "Web shop"`, then curl with the key.
    const created = (await mylog(
      'app',
      'create',
      '--org',
      'demo',
      '--name',
      `Web shop ${tag}`,
    )) as {
      app: { slug: string; retention_days: number };
      ingest_key: string;
    };
    demoKey = created.ingest_key;
    demoAppSlug = created.app.slug;
    t.equal(
      created.app.retention_days,
      DEFAULT_RETENTION_DAYS,
      'the API default is the one constant',
    );
    await sendLogs(base, demoKey, [
      { level: 'error', service: 'checkout', message: `payment declined first${tag}` },
    ]);
    await signInWithDevIdp(page, base, 'admin@demo.local');
    await searchUntilFound(page, `${base}/logs`, `first${tag}`, 60_000);
    await screenshot(page, 'first-hour-first-log');
    t.pass('the first log is on the demo admin’s screen');
  });

  await t.test('live tail switched on after a search misses no row', async (t) => {
    const marker = `tail${tag}`;
    const rows = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        level: 'info',
        service: 'tailtest',
        message: `${marker} row ${from + i}`,
      }));
    await sendLogs(base, demoKey, rows(0, 5));
    const url = `${base}/logs?q=${marker}`;
    for (const deadline = Date.now() + 60_000; ;) {
      await page.goto(url);
      await page.locator('.explorer-footer').waitFor();
      await page.waitForFunction(() => !document.querySelector('.results .spinner'));
      await page.waitForTimeout(300);
      if ((await shownCount(page)) === 5) break;
      if (Date.now() > deadline) throw new Error('the first rows never showed');
    }
    // Between the search and the switch: rows the list has not seen, in several requests.
    for (let batch = 0; batch < 4; batch++) {
      await sendLogs(base, demoKey, rows(5 + batch * 10, 10));
      await page.waitForTimeout(150);
    }
    await page.getByRole('button', { name: /Live tail/ }).click();
    await page.locator('.live-dot.live').waitFor({ timeout: 20_000 });
    await sendLogs(base, demoKey, rows(45, 10));
    const deadline = Date.now() + 30_000;
    while ((await shownCount(page)) < 55 && Date.now() < deadline) await page.waitForTimeout(250);
    const pill = page.getByRole('button', { name: /new$/ });
    if (await pill.isVisible().catch(() => false)) await pill.click();
    await page.waitForTimeout(1_000);
    t.equal(await shownCount(page), 55, 'all 55 rows once: 5 searched, 40 between, 10 live');
    await screenshot(page, 'first-hour-live-tail');
    await page.getByRole('button', { name: /^Live/ }).click();
  });

  await t.test('Context keeps to the row’s app, host and service; the toggle widens', async (t) => {
    const marker = `ctx${tag}`;
    await sendLogs(
      base,
      demoKey,
      [
        ['api', 'web-1'],
        ['api', 'web-2'],
        ['worker', 'web-1'],
        ['api', 'web-1'],
      ].map(([service, host], i) => ({
        service,
        host,
        message: `${marker} ${service}@${host} ${i}`,
      })),
    );
    await searchUntilFound(page, `${base}/logs?q=${marker}`, `${marker} api@web-1 0`, 60_000);
    await page.locator('.log-line', { hasText: `${marker} api@web-1 0` }).click();
    await page.getByRole('tab', { name: 'Context' }).click();
    const lines = page.locator('.context-line');
    await lines.first().waitFor();
    await page.waitForFunction(() => !document.querySelector('.context-list .spinner'));
    const same = await lines.allTextContents();
    const ours = (list: string[]) => list.filter((l) => l.includes(marker));
    t.same(
      ours(same).map((l) => /api@web-\d \d|worker@web-\d \d/.exec(l)?.[0]),
      ['api@web-1 0', 'api@web-1 3'],
      'same app, host and service only',
    );
    t.match(
      await page.getByTestId('context-scope').textContent(),
      /same app, host and service \(service api, host web-1\)/,
    );
    await page.getByLabel('Whole app').check();
    await page.waitForFunction(
      (m) =>
        [...document.querySelectorAll('.context-line')].filter((e) => e.textContent?.includes(m))
          .length === 4,
      marker,
    );
    t.equal(ours(await lines.allTextContents()).length, 4, 'the whole app when widened');
    await screenshot(page, 'first-hour-context');
  });

  const queryBar = () => page.getByLabel('Query');

  await t.test('paste + Enter searches exactly what was pasted', async (t) => {
    await page.goto(`${base}/logs`);
    await queryBar().click();
    await queryBar().fill('');
    // Field completions for the empty word are on screen; the paste makes them stale.
    await page.locator('.suggestions li[role=option]').first().waitFor();
    await page.keyboard.insertText('-status:404');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    t.equal(new URL(page.url()).searchParams.get('q'), '-status:404');
    t.equal(await queryBar().inputValue(), '-status:404', 'the bar keeps the pasted text');
  });

  await t.test('typos get a hint; a parse error says each thing once', async (t) => {
    const hint = (text: RegExp) =>
      page.getByTestId('query-hints').filter({ hasText: text }).waitFor({ timeout: 10_000 });
    await queryBar().fill('servce:checkout');
    await queryBar().press('Enter');
    await hint(/servce: no such field; did you mean service\?/);
    t.pass('servce: → did you mean service?');
    await queryBar().fill('level:eror');
    await queryBar().press('Enter');
    await hint(/level:eror — no such level; did you mean error\?/);
    t.pass('level:eror → did you mean error?');
    await screenshot(page, 'first-hour-typo-hint');
    await queryBar().fill('level:error AND');
    await queryBar().press('Enter');
    const error = (await page.getByRole('alert').filter({ hasText: 'Col' }).textContent()) ?? '';
    t.notMatch(error, /position/, 'the column is said once');
    t.equal(error.match(/expected/gi)?.length ?? 0, 1, `"expected" once: ${error}`);
  });

  await t.test('the org switcher scopes the explorer', async (t) => {
    const org = (await mylog('org', 'create', '--name', `Acme ${tag}`)) as {
      org: { slug: string };
    };
    const acme = org.org.slug;
    const app = (await mylog('app', 'create', '--org', acme, '--name', 'Shop')) as {
      ingest_key: string;
    };
    await mylog('member', 'add', '--org', acme, '--email', 'admin@demo.local', '--role', 'admin');
    await sendLogs(base, app.ingest_key, [{ message: `acme only ${tag}` }]);
    await page.goto(`${base}/logs`);
    const orgSelect = page.getByLabel('Organisation');
    await orgSelect.waitFor();
    await orgSelect.selectOption({ label: `Acme ${tag}` });
    // Both orgs' lines match; only the chosen org's may show.
    const both = `${base}/logs?q=${encodeURIComponent(`"first${tag}" OR "acme only ${tag}"`)}`;
    await searchUntilFound(page, both, `acme only ${tag}`, 60_000);
    t.equal(await page.locator('.log-line', { hasText: `first${tag}` }).count(), 0, 'no Demo row');
    await page.getByRole('button', { name: 'All apps' }).click();
    const picks = await page
      .locator('.app-popover .check-item > span:first-of-type')
      .allTextContents();
    t.same(picks, ['Shop'], 'only Acme’s apps to pick from');
    await page.keyboard.press('Escape');
    await orgSelect.selectOption({ label: 'Demo' });
    await searchUntilFound(page, both, `first${tag}`, 60_000);
    t.equal(
      await page.locator('.log-line', { hasText: `acme only ${tag}` }).count(),
      0,
      'and back',
    );
  });

  await t.test('admin console: retention, keys, key dialog, audit example', async (t) => {
    await page.goto(`${base}/admin/apps`);
    await page.getByRole('button', { name: 'New app' }).click();
    t.equal(
      await page.locator('.dialog select').first().inputValue(),
      String(DEFAULT_RETENTION_DAYS),
      'the form offers the API’s default retention',
    );
    await page.keyboard.press('Escape');

    await page.goto(`${base}/admin/apps/${demoAppSlug}`);
    await page.getByRole('button', { name: 'New key' }).click();
    await page.fill('input[name=key-name]', `rotate me ${tag}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('new-key').waitFor();
    await page.getByRole('button', { name: 'I have copied the key' }).click();
    t.equal(await page.getByTestId('new-key').count(), 0, '"I have copied the key" closes');
    t.equal(await page.getByText(/not been copied|not copied/).count(), 0, 'with no contradiction');

    await page
      .locator('tr', { hasText: `rotate me ${tag}` })
      .getByRole('button', { name: 'Rotate' })
      .click();
    await page.locator('.dialog select').selectOption('0');
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByTestId('new-key').waitFor();
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    // The successor keeps the name; the old row is the one marked rotated out.
    const oldRow = page
      .locator('tr', { hasText: `rotate me ${tag}` })
      .filter({ has: page.locator('.pill', { hasText: 'rotated out' }) });
    await oldRow.waitFor();
    t.equal(await oldRow.getByRole('button').count(), 0, 'a rotated-out key offers nothing');
    const successor = page
      .locator('tr', { hasText: `rotate me ${tag}` })
      .filter({ has: page.locator('.pill', { hasText: 'active' }) });
    t.equal(await successor.getByRole('button').count(), 2, 'its successor: Rotate and Revoke');
    await screenshot(page, 'first-hour-keys');

    await page.goto(`${base}/admin/audit`);
    const action = page.locator('input[placeholder^="Action"]');
    const example = /e\.g\. ([\w.]+)/.exec((await action.getAttribute('placeholder')) ?? '')?.[1];
    t.ok(example, 'the filter shows an example');
    await action.fill(example ?? '');
    await page
      .locator('td', { hasText: `${example}.` })
      .first()
      .waitFor({ timeout: 15_000 });
    t.pass(`its own example "${example}" matches entries`);
  });

  await t.test('viewers: SSO roles say where they come from; no save/delete offered', async (t) => {
    await page.goto(`${base}/logs?q=level:error`);
    await page.getByRole('button', { name: /Saved/ }).click();
    await page.getByRole('button', { name: /Save current search/ }).click();
    await page.getByLabel('Name').fill(`shared ${tag}`);
    await page.getByLabel(/Share with everyone/).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(`Saved “shared ${tag}”`).waitFor();

    const viewerContext = await newContext(true);
    const viewer = await viewerContext.newPage();
    await signInWithDevIdp(viewer, base, 'viewer@demo.local');
    await viewer.getByRole('button', { name: /Saved/ }).click();
    await viewer.locator('.saved-item', { hasText: `shared ${tag}` }).waitFor();
    t.equal(await viewer.getByRole('button', { name: `Delete shared ${tag}` }).count(), 0);
    t.equal(await viewer.getByRole('button', { name: /Save current search/ }).count(), 0);
    await viewer.getByText(/Viewers open saved searches/).waitFor();
    await screenshot(viewer, 'first-hour-viewer-saved-phone');
    await viewerContext.close();
    await page.getByRole('button', { name: /Saved/ }).click();
    await page.getByRole('button', { name: `Delete shared ${tag}` }).waitFor();
    t.pass('the admin who shared it may delete it');
    await page.keyboard.press('Escape');

    await page.goto(`${base}/admin/members`);
    const row = page.locator('tr', { hasText: 'viewer@demo.local' });
    await row.locator('.pill', { hasText: 'set by SSO' }).waitFor();
    t.ok(await row.getByRole('combobox').isDisabled(), 'an SSO-set role is not editable here');
    await page.getByTestId('sso-role-note').waitFor();
    await screenshot(page, 'first-hour-members');
  });

  await t.test('127.0.0.1 vs localhost, and a failed sign-in recovers', async (t) => {
    const port = new URL(base).port;
    const other = await newContext();
    const wrongHost = await other.newPage();
    // PUBLIC_URL is 127.0.0.1 here; localhost is the other name for the same server.
    await wrongHost.goto(`http://localhost:${port}/`);
    await wrongHost.getByRole('link', { name: 'Sign in with SSO' }).click();
    await wrongHost.waitForURL(/\/dev-idp\//);
    t.match(wrongHost.url(), `${base}/dev-idp/`, 'moved to PUBLIC_URL before the login started');
    await wrongHost.fill('input[name=email]', 'admin@demo.local');
    await wrongHost.fill('input[name=password]', 'demo');
    await wrongHost.getByRole('button', { name: 'Sign in' }).click();
    const deadline = Date.now() + 20_000;
    while (!wrongHost.url().startsWith(`${base}/logs`) && Date.now() < deadline) {
      const allow = wrongHost.getByRole('button', { name: 'Allow' });
      if (await allow.isVisible().catch(() => false)) await allow.click();
      await wrongHost.waitForTimeout(100);
    }
    await wrongHost.waitForURL(`${base}/logs**`);
    t.pass('signed in, on the public host');

    await wrongHost.goto(`${base}/auth/callback?code=forged&state=forged`);
    await wrongHost.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
    t.match(await wrongHost.textContent('body'), /start again/i);
    await screenshot(wrongHost, 'first-hour-auth-error');
    // The 401 of that page load is the point of this step, not a console problem.
    problems.list = problems.list.filter((p) => !p.includes('/auth/callback?code=forged'));
    await wrongHost.getByRole('link', { name: 'Start again' }).click();
    for (const until = Date.now() + 20_000; !wrongHost.url().startsWith(`${base}/logs`);) {
      const allow = wrongHost.getByRole('button', { name: 'Allow' });
      if (await allow.isVisible().catch(() => false)) await allow.click();
      if (Date.now() > until) break;
      await wrongHost.waitForTimeout(100);
    }
    await wrongHost.waitForURL(`${base}/logs**`);
    t.pass('"Start again" leads back into the app');
    await other.close();
  });

  await t.test('request logs: at debug, without probes or static files', async (t) => {
    const html = await (await fetch(`${base}/`)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    t.ok(asset, 'the page names its script');
    for (const probe of ['/readyz', '/healthz', asset ?? '/favicon.ico', '/v1/logs']) {
      await (await fetch(`${base}${probe}`)).arrayBuffer();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.includes('"request completed"'));
    t.ok(
      lines.some((l) => l.includes('"path":"/v1/logs"')),
      `API requests are logged at debug (output ends: ${server.output().slice(-1500)})`,
    );
    t.notOk(
      lines.some((l) => /"path":"\/(?:readyz|healthz|assets\/)/.test(l)),
      'probes and static files are not',
    );
  });

  t.same(problems.list, [], 'a clean console');
}

await run_();
