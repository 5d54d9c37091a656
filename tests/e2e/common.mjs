// common.mjs — what the browser tests share: the server, the accounts, the browser,
// logging in, the public API, and a page's checks that hold everywhere.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through tests/e2e/run.sh`);
  return v;
};

export const BASE = env('DSMS_URL');
export const ORIGIN = new URL(BASE).origin;
export const ENGLAND = 'E92000001';
export const PERIOD = '2024-25';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const MAX_BYTES = 500 * 1024;
export const SCREENS = process.env.DSMS_SCREENSHOTS || '';

export const href = (p) => new URL(p, BASE).href;

// Each account made by run.sh, and the page it is sent to after logging in.
export const users = {
  national: { name: env('DSMS_NATIONAL_USER'), password: env('DSMS_NATIONAL_PASSWORD'),
    home: '/national' },
  area: { name: env('DSMS_AREA_USER'), password: env('DSMS_AREA_PASSWORD'),
    scope: env('DSMS_AREA_SCOPE'), areas: env('DSMS_AREA_AREAS').split(','),
    home: `/partnership/${env('DSMS_AREA_SCOPE')}` },
  providerA: { name: env('DSMS_PROVIDER_A_USER'), password: env('DSMS_PROVIDER_A_PASSWORD'),
    code: env('DSMS_PROVIDER_A'), home: `/provider/${env('DSMS_PROVIDER_A')}` },
  providerB: { name: env('DSMS_PROVIDER_B_USER'), password: env('DSMS_PROVIDER_B_PASSWORD'),
    code: env('DSMS_PROVIDER_B'), home: `/provider/${env('DSMS_PROVIDER_B')}` },
};

// Chromium as installed by Debian: Playwright's own builds cannot be downloaded here.
// Without the background-networking flags Chromium reaches out on its own at start.
export function launch() {
  return chromium.launch({
    executablePath: process.env.DSMS_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A fresh context (its own cookies) at desktop width, failing on any script error.
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    // A resource that failed to load is said by visit(), with its address.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) {
      page.errors.push(`console error: ${m.text()}`);
    }
  });
  return page;
}

// Log in through the form at /login; the page ends on the account's home.
export async function login(page, who) {
  const r = await page.goto(href('/login'));
  assert.equal(r.status(), 200, `/login answered ${r.status()}`);
  const form = page.locator('form:has(input[type="password"])').first();
  await form.locator('input[name="name"]').fill(who.name);
  await form.locator('input[name="password"]').fill(who.password);
  const [answer] = await Promise.all([
    page.waitForResponse((a) => a.request().method() === 'POST'
      && new URL(a.url()).pathname === '/login'),
    form.locator('button[type="submit"], input[type="submit"], button:not([type])').first()
      .click(),
  ]);
  // A refusal is said at once, with what the page said, rather than waited out.
  if (answer.status() >= 400) {
    await page.waitForLoadState();
    const said = (await page.locator('main').innerText().catch(() => '')).replace(/\s+/g, ' ');
    assert.fail(`logging in as ${who.name} through the form: ${answer.status()}: ${said}`);
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

// The public API, as anyone may ask it (no cookie): JSON.
export async function publicJSON(p) {
  const r = await fetch(href(p));
  const text = await r.text();
  assert.equal(r.status, 200, `GET ${p}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// Every row of a results query, page by page.
export async function allResults(query, get = publicJSON) {
  const rows = [];
  let offset = 0;
  for (;;) {
    const j = await get(`/api/v1/results?${query}&limit=10000&offset=${offset}`);
    rows.push(...j.rows);
    offset += j.rows.length;
    if (!j.next || j.rows.length === 0) return { as_of: j.as_of, rows };
  }
}

export const keyOf = (r) =>
  [r.measure, r.area_code, r.period, r.breakdown, r.category].join('|');

// A reference table's rows.
export async function reference(table) {
  return (await publicJSON(`/api/v1/reference/${table}`)).rows;
}

// What every page has: one h1, <main id="main">, a skip link to it, a nav; scripts
// and styles only from /static/, no inline script; a Content-Security-Policy.
export async function checkShell(page, response, where) {
  const csp = response.headers()['content-security-policy'];
  assert.ok(csp, `${where}: no Content-Security-Policy header`);
  const shell = await page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main#main').length,
    nav: document.querySelectorAll('nav').length,
    skip: [...document.querySelectorAll('a[href="#main"]')].length,
    inline: [...document.querySelectorAll('script:not([src])')].map((s) => s.textContent.trim())
      .filter((t) => t.length > 0).length,
    handlers: [...document.querySelectorAll('*')].filter((e) =>
      [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    assets: [...document.querySelectorAll('script[src], link[href][rel~="stylesheet"], img[src]')]
      .map((e) => e.getAttribute('src') || e.getAttribute('href')),
  }));
  assert.equal(shell.h1, 1, `${where}: ${shell.h1} <h1>, expected one`);
  assert.equal(shell.main, 1, `${where}: no <main id="main">`);
  assert.ok(shell.nav >= 1, `${where}: no <nav>`);
  assert.ok(shell.skip >= 1, `${where}: no skip link (<a href="#main">)`);
  assert.equal(shell.inline, 0, `${where}: inline <script>`);
  assert.equal(shell.handlers, 0, `${where}: inline event handlers (on...=)`);
  for (const a of shell.assets) {
    assert.ok(a.startsWith('/static/') || a.startsWith(`${ORIGIN}/static/`),
      `${where}: an asset not from /static/: ${a}`);
  }
}

export function screenshotPath(name) {
  if (!SCREENS) return null;
  fs.mkdirSync(SCREENS, { recursive: true });
  return path.join(SCREENS, `${name}.png`);
}

// Rows of every table on the page that carry a data-key: the key, and each cell's
// text with its column's heading.
export function keyedRows(page) {
  return page.evaluate(() => [...document.querySelectorAll('tr[data-key]')].map((tr) => {
    const table = tr.closest('table');
    const heads = table ? [...table.querySelectorAll('thead tr:last-child th')]
      .map((th) => th.textContent.trim()) : [];
    const cells = [...tr.children].map((c, i) => ({ head: heads[i] || '', text: c.textContent
      .replace(/\s+/g, ' ').trim(), th: c.tagName === 'TH' }));
    return { key: tr.getAttribute('data-key'), id: tr.closest('[id]')?.id || '', cells };
  }));
}

// Load a page while watching its requests: each one's origin and size (a data: URL
// leaves nothing to the network).
export async function visit(page, p) {
  const requests = [];
  const listen = (r) => requests.push(r);
  page.on('request', listen);
  let response;
  try {
    response = await page.goto(href(p), { waitUntil: 'load' });
  } finally {
    page.off('request', listen);
  }
  assert.ok(response, `${p}: no response`);
  const failed = [];
  for (const r of requests) {
    const answer = await r.response();
    if (answer && answer.status() >= 400 && r.url() !== href(p)) {
      failed.push(`${r.url()}: ${answer.status()}`);
    }
  }
  assert.deepEqual(failed, [], `${p}: resources that failed to load`);
  const foreign = requests.map((r) => r.url())
    .filter((u) => !/^(about|data):/.test(u) && new URL(u).origin !== ORIGIN);
  assert.deepEqual(foreign, [], `${p}: requests to somewhere other than the server`);
  let bytes = 0;
  for (const r of requests) {
    const s = await r.sizes().catch(() => null);
    if (s) bytes += s.responseBodySize + s.responseHeadersSize;
  }
  assert.ok(bytes < MAX_BYTES, `${p}: ${Math.round(bytes / 1024)} KB transferred, limit 500 KB`);
  return { response, bytes, requests: requests.length };
}
