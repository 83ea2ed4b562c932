// The installable web app in a real Chromium against a real MyLog: Chromium's own installability
// check (CDP Page.getInstallabilityErrors) on the manifest, icons and service worker, what the
// service worker caches (the app shell only: no page, no API answer), and offline navigation to
// the offline page. A persistent profile, because Chromium never offers to install from an
// incognito-like context (playwright's newContext): "in-incognito".
import t from 'tap';
import { chromium, type BrowserContext } from 'playwright-core';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  CHROMIUM_ARGS,
  screenshot,
  signInWithDevIdp,
} from './browser.ts';
import { makeTempDir } from '../helpers/services.ts';
import { startMyLogServer } from './mylog-server.ts';

const ADMIN = 'admin@demo.local';

/** launchBrowser's Chromium and flags, on a real (temporary) profile directory. */
async function launchPersistentProfile(options: {
  viewport: { width: number; height: number };
}): Promise<BrowserContext> {
  // A temp dir the test helpers remove when the process exits.
  return chromium.launchPersistentContext(makeTempDir('pwa-profile'), {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

async function run(): Promise<void> {
  t.setTimeout(300_000);
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const context = await launchPersistentProfile({ viewport: { width: 1280, height: 800 } });
  t.teardown(() => context.close());

  await t.test('installable: manifest, service worker, app shell only, offline page', async (t) => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${base}/login`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    t.same(installabilityErrors, [], 'Chromium finds nothing in the way of installing');
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    t.same(manifest.errors, [], 'the manifest parses without errors');
    t.match(manifest.url, /\/manifest\.webmanifest$/);

    await signInWithDevIdp(page, base, ADMIN);
    // The app's scripts reach the cache as the service worker sees them fetched.
    await page.reload();
    await page.waitForFunction(async () => {
      for (const name of await caches.keys()) {
        const keys = await (await caches.open(name)).keys();
        if (keys.some((r) => new URL(r.url).pathname.startsWith('/assets/'))) return true;
      }
      return false;
    });
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys())
          urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    t.ok(cached.includes('/offline.html'), 'the offline page is cached');
    t.ok(
      cached.some((u) => u.startsWith('/assets/')),
      "the app's scripts and styles are cached",
    );
    t.same(
      cached.filter(
        (u) =>
          !/^\/(assets\/|icons\/|offline\.(html|css)$|manifest\.webmanifest$|favicon\.svg$)/.test(
            u,
          ),
      ),
      [],
      'nothing but the app shell: no API answer, no page',
    );

    await context.setOffline(true);
    await page.goto(`${base}/logs`).catch(() => undefined);
    await page.getByRole('heading', { name: 'You are offline' }).waitFor({ timeout: 10_000 });
    t.ok(await page.getByRole('link', { name: 'Try again' }).isVisible(), 'offline page shown');
    await screenshot(page, 'pwa-offline');
    await context.setOffline(false);
  });
}

if (!chromiumAvailable()) {
  t.fail(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH`);
  t.end();
} else {
  await run();
}
