// Debian's Chromium driven by playwright-core (no downloaded browser), with the flags this
// sandbox needs, and a console/page-error collector so tests can assert a clean console.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/infra/project-paths.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(projectRoot, 'artifacts', 'screenshots');

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
/** A phone as the browser tests emulate it: the viewport, a dense screen and touch. */
export const PHONE_DEVICE = {
  viewport: PHONE,
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
} as const;

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** The flags this sandbox needs (also for a persistent profile, see test/e2e/pwa.test.ts). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Playwright gives every launch a fresh, empty profile (its own --user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface ConsoleProblems {
  list: string[];
}

export function watchConsole(context: BrowserContext, problems: ConsoleProblems): void {
  const attach = (page: Page): void => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.list.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.list.push(`${page.url()}: ${error.message}`));
  };
  context.on('page', attach);
  for (const page of context.pages()) attach(page);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Signs in through "Sign in with SSO" and the dev IdP's own login (and consent) pages. */
export async function signInWithDevIdp(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.waitForURL(/\/dev-idp\//);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // oidc-provider asks for consent on a first login; the dev IdP renders it as an Allow form.
  const deadline = Date.now() + 20_000;
  while (!page.url().startsWith(`${baseUrl}/logs`) && Date.now() < deadline) {
    const allow = page.getByRole('button', { name: 'Allow' });
    if (await allow.isVisible().catch(() => false)) await allow.click();
    await page.waitForTimeout(100);
  }
  await page.waitForURL(`${baseUrl}/logs**`);
}

/** A same-origin API call from a signed-in page (cookie session, CSRF header for mutations). */
export async function apiFromPage<T>(
  page: Page,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<T> {
  return page.evaluate(
    async ({ path, method, body }) => {
      const csrf = /(?:^|; )mylog_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const res = await fetch(path, {
        method,
        headers: {
          // Without a body, no JSON content type: Fastify refuses an empty JSON body.
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(method === 'GET' ? {} : { 'x-csrf-token': decodeURIComponent(csrf) }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    { path, method, body },
  ) as Promise<T>;
}
