// Debian's Chromium driven by playwright-core (installed in web/node_modules; no browser is
// ever downloaded), plus the few steps every test repeats.
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { chromium } = createRequire(join(ROOT, 'web', 'package.json'))('playwright-core');

export const BASE = process.env.E2E_URL;
export const SHOTS = process.env.E2E_SHOTS;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on('pageerror', (err) => console.error('page error:', err.message));
  return page;
}

export async function login(page, username, password) {
  await page.goto(BASE + '/login');
  await page.locator('[data-test=username]').fill(username);
  await page.locator('[data-test=password]').fill(password);
  await page.locator('[data-test=login]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

// The API as the signed-in page sees it (same cookie).
export async function api(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch('/api/v1' + p, { credentials: 'same-origin' });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, path);
}

export async function postApi(page, path, json) {
  return page.evaluate(async ([p, j]) => {
    const r = await fetch('/api/v1' + p, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(j),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [path, json]);
}

// Waits until no Element Plus loading mask is left on the page.
export async function settled(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'));
}

// Charts animate for about a second after they are drawn: the picture is taken after that.
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}
