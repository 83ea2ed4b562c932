// The web app on phones and for assistive technology, in a real Chromium against a real MyLog:
// every page at 360×640 and 390×844 (no horizontal scroll, no control smaller than 44 px,
// screenshots in artifacts/screenshots/) and axe-core on every page in the dark and the light
// theme (0 serious or critical violations). One server and one browser for the file.
import t from 'tap';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  launchBrowser,
  screenshot,
  signInWithDevIdp,
} from './browser.ts';
import { startMyLogServer } from './mylog-server.ts';
import { APP_PAGES, axeBothThemes, settle } from './axe.ts';

const ADMIN = 'admin@demo.local';
const PHONES = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
] as const;
/** WCAG 2.5.5 (AAA) / Apple & Material guidance: the smallest comfortable touch target. */
const MIN_TARGET_PX = 44;

const slug = (path: string): string =>
  path.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-') || 'home';

interface PhoneProblems {
  scrollWidth: number;
  small: string[];
}

async function phoneProblems(page: Page): Promise<PhoneProblems> {
  return page.evaluate((min) => {
    const selector =
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=tab], [role=link], [role=checkbox], [role=switch], [role=menuitem]';
    const small: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // Not shown, or a visually hidden skip link (1 px until it takes focus).
      if (rect.width <= 1 || rect.height <= 1 || style.visibility === 'hidden') continue;
      // A link inside running text is exempt (WCAG 2.5.8 "inline"), as is a control inside a
      // bigger labelled target (a checkbox in its <label>).
      if (el.tagName === 'A' && style.display === 'inline' && el.closest('p, li, td, dd')) continue;
      const label = el.closest('label')?.getBoundingClientRect();
      const target = {
        width: Math.max(rect.width, label?.width ?? 0),
        height: Math.max(rect.height, label?.height ?? 0),
      };
      if (target.width < min || target.height < min) {
        const name = (
          el.getAttribute('aria-label') ??
          el.textContent ??
          el.getAttribute('name') ??
          ''
        )
          .trim()
          .slice(0, 30);
        small.push(
          `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} "${name}" ${Math.round(target.width)}×${Math.round(target.height)}`,
        );
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, small };
  }, MIN_TARGET_PX);
}

async function run(): Promise<void> {
  t.setTimeout(420_000);
  const server = await startMyLogServer(t);
  const base = server.baseUrl;
  const browser: Browser = await launchBrowser();
  t.teardown(() => browser.close());
  // One phone for everything: each page is loaded once, then measured at both sizes and checked
  // by axe in both colour schemes.
  const context: BrowserContext = await browser.newContext({
    viewport: PHONES[0],
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: 'dark',
    // axe is injected as a script; the app's CSP (rightly) refuses scripts it did not ship.
    bypassCSP: true,
    // No colour transitions half-way through a theme switch when axe measures contrast.
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();

  const checkPage = async (name: string, open: () => Promise<void>): Promise<void> => {
    await t.test(name, async (t) => {
      await open();
      await settle(page);
      for (const phone of PHONES) {
        await page.setViewportSize(phone);
        const found = await phoneProblems(page);
        const size = `${phone.width}×${phone.height}`;
        t.ok(
          found.scrollWidth <= phone.width,
          `${size}: no horizontal scroll (${found.scrollWidth} px)`,
        );
        t.same(found.small, [], `${size}: no control under ${MIN_TARGET_PX} px`);
        await screenshot(page, `phone-${phone.width}-${slug(name)}`);
      }
      const axe = await axeBothThemes(page);
      for (const theme of ['dark', 'light'] as const) {
        t.same(axe[theme], [], `axe, ${theme} theme: no serious or critical violation`);
      }
      await page.setViewportSize(PHONES[0]);
    });
  };

  await checkPage('/login', () => page.goto(`${base}/login`).then(() => undefined));
  await checkPage('dev-idp-login', async () => {
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await page.waitForURL(/\/dev-idp\//);
  });
  await t.test('sign in', () => signInWithDevIdp(page, base, ADMIN));
  for (const path of APP_PAGES) {
    await checkPage(path, async () => {
      await page.goto(`${base}${path}`);
      // swagger-ui renders the reference after its own fetch of the spec.
      if (path === '/docs') await page.locator('.swagger-ui .opblock').first().waitFor();
    });
  }
}

if (!chromiumAvailable()) {
  t.fail(`Chromium not found at ${CHROMIUM_PATH}: install it or set CHROMIUM_PATH`);
} else {
  await run();
}
