// checks.mjs — what pages.test.mjs and roles.test.mjs hold each main page to, at
// desktop and phone width: screenshots (full page), axe-core (WCAG 2.1 A and AA:
// nothing serious or critical), the shell every page has, the first Tab on the skip
// link, its CSV link, its weight (under 500 KB) and its requests (none but to the
// server), and no script error.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { checkShell, screenshotPath, visit, DESKTOP, PHONE } from './common.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe-core in the page (evaluated through the DevTools protocol: the page's
// Content-Security-Policy forbids an injected script tag, rightly).
async function axe(page, where) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return bad.map((v) => [
    `${where}: ${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.slice(0, 5).map((n) => `    at ${n.target.join(' ')}: ${
      (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 300)}`),
    ...(v.nodes.length > 5 ? [`    and ${v.nodes.length - 5} more`] : []),
  ].join('\n'));
}

// A screenshot of the whole page, through the DevTools protocol: PNG encoded for speed
// (some pages run to 50,000 pixels, which Playwright's own encoding takes seconds over).
async function fullPage(page, file) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { cssContentSize: size } = await cdp.send('Page.getLayoutMetrics');
    const { data } = await cdp.send('Page.captureScreenshot', {
      format: 'png', captureBeyondViewport: true, optimizeForSpeed: true,
      clip: { x: 0, y: 0, width: size.width, height: size.height, scale: 1 },
    });
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
  } finally {
    await cdp.detach();
  }
}

// Every page that shows a table offers it as CSV (a.csv, ?format=csv).
async function checkCsv(page, p) {
  const tables = await page.locator('main table').count();
  const link = page.locator('a.csv');
  if (tables === 0 && (await link.count()) === 0) return;
  assert.ok((await link.count()) >= 1, `${p}: tables but no CSV link (a.csv)`);
  const target = new URL(await link.first().getAttribute('href'), page.url());
  assert.equal(target.searchParams.get('format'), 'csv', `${p}: the CSV link is ${target}`);
  assert.equal(target.pathname, new URL(page.url()).pathname, `${p}: CSV of another page`);
  const r = await page.request.get(target.href);
  assert.equal(r.status(), 200, `${target}: ${r.status()}`);
  assert.match(r.headers()['content-type'] || '', /^text\/csv/, `${target}: not text/csv`);
  // As many records as the page's rows of figures (header and blank lines aside).
  const body = await r.text();
  const keyed = await page.locator('tr[data-key]').count();
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '').length;
  assert.ok(lines >= keyed, `${target}: ${lines} lines for ${keyed} rows shown`);
}

// One page, at both widths: everything above, each failure collected.
async function examine(page, p, name, failures) {
  const note = (e) => failures.push(`${p}: ${e.message || e}`);
  await page.setViewportSize(DESKTOP);
  const { response } = await visit(page, p).catch((e) => { note(e); return {}; });
  if (!response) return;
  if (response.status() !== 200) { note(`answered ${response.status()}`); return; }
  await checkShell(page, response, p).catch(note);
  // Tab from the top of the page, as loaded: the skip link first.
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement?.getAttribute('href'));
  if (first !== '#main') note(`the first Tab reaches ${first}, not the skip link`);
  await page.evaluate(() => document.activeElement?.blur());
  await checkCsv(page, p).catch(note);
  for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    const shot = screenshotPath(`${name}-${width}`);
    if (shot) await fullPage(page, shot).catch(note);
    failures.push(...await axe(page, `${p} (${width})`).catch((e) => [`${p}: axe: ${e}`]));
  }
  // Script errors, each said once with how often.
  const seen = new Map();
  for (const e of page.errors) seen.set(e, (seen.get(e) || 0) + 1);
  failures.push(...[...seen].map(([e, n]) => `${p}: ${e}${n > 1 ? ` (${n} times)` : ''}`));
  page.errors.length = 0;
}

export async function examineAll(page, list) {
  const failures = [];
  for (const [p, name] of list) await examine(page, p, name, failures);
  if (failures.length) assert.fail(`${failures.length} failures:\n${failures.join('\n')}\n`);
}

// Tab until the element matching SELECTOR has the focus; false after LIMIT presses.
export async function tabTo(page, selector, limit = 600) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return true;
  }
  return false;
}

