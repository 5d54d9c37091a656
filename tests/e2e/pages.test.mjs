// pages.test.mjs — every main page, public and each role's, at desktop and phone
// width: screenshots (full page), axe-core (WCAG 2.1 A and AA: nothing serious or
// critical), the shell every page has, its CSV link, its weight (under 500 KB) and
// its requests (none but to the server); then the keyboard: the skip link first,
// the sort buttons and the upload input within reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  launch, newPage, login, href, users, publicJSON, checkShell, screenshotPath, reference, visit,
  ENGLAND, DESKTOP, PHONE,
} from './common.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let browser;
let region;
let area;
let measure;
before(async () => {
  browser = await launch();
  region = (await reference('regions'))[0].code;
  // An area of the partnership: one with people in treatment.
  area = users.area.areas[0];
  const measures = (await publicJSON('/api/v1/measures')).measures;
  measure = (measures.find((m) => m.id === 'in_treatment') || measures[0]).id;
});
after(async () => { await browser?.close(); });

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
  await checkCsv(page, p).catch(note);
  for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    const shot = screenshotPath(`${name}-${width}`);
    if (shot) await page.screenshot({ path: shot, fullPage: true, timeout: 60000 }).catch(note);
    failures.push(...await axe(page, `${p} (${width})`).catch((e) => [`${p}: axe: ${e}`]));
  }
  // Tab from the top of the page: the skip link first.
  await page.setViewportSize(DESKTOP);
  await page.goto(href(p));
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement?.getAttribute('href'));
  if (first !== '#main') note(`the first Tab reaches ${first}, not the skip link`);
  // Script errors, each said once with how often.
  const seen = new Map();
  for (const e of page.errors) seen.set(e, (seen.get(e) || 0) + 1);
  failures.push(...[...seen].map(([e, n]) => `${p}: ${e}${n > 1 ? ` (${n} times)` : ''}`));
  page.errors.length = 0;
}

async function examineAll(page, list) {
  const failures = [];
  for (const [p, name] of list) await examine(page, p, name, failures);
  if (failures.length) assert.fail(`${failures.length} failures:\n${failures.join('\n')}\n`);
}

test('public pages', async () => {
  const page = await newPage(browser);
  await examineAll(page, [
    ['/', 'england'], [`/area/${ENGLAND}`, 'area-england'], [`/area/${region}`, 'region'],
    [`/area/${area}`, 'area'], [`/measure/${measure}`, 'measure'], ['/measures', 'measures'],
    ['/framework', 'framework'], ['/login', 'login'],
  ]);
  await page.context().close();
});

test('national home', async () => {
  const page = await login(await newPage(browser), users.national);
  await examineAll(page, [['/national', 'national']]);
  await page.context().close();
});

test('area home', async () => {
  const page = await login(await newPage(browser), users.area);
  await examineAll(page, [[users.area.home, 'partnership']]);
  await page.context().close();
});

test('provider home and a submission', async () => {
  const page = await login(await newPage(browser), users.providerB);
  const sub = await page.locator('#submissions a[href*="/submissions/"]').first()
    .getAttribute('href').catch(() => null);
  const list = [[users.providerB.home, 'provider']];
  if (sub) list.push([new URL(sub, page.url()).pathname, 'submission']);
  await examineAll(page, list);
  assert.ok(sub, 'the provider page links to no submission');
  await page.context().close();
});

// Tab until the element matching SELECTOR has the focus; false after LIMIT presses.
async function tabTo(page, selector, limit = 600) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return true;
  }
  return false;
}

test('keyboard: the sort buttons reached and working', async () => {
  const page = await newPage(browser);
  await page.goto(href(`/measure/${measure}`));
  const button = '#areas th button';
  assert.ok(await page.locator(button).count() > 0, `/measure/${measure}: no ${button}`);
  assert.ok(await tabTo(page, button), `/measure/${measure}: Tab never reaches ${button}`);
  // Enter on the focused heading's button sorts by it: aria-sort set and rows in order.
  const before = await page.evaluate(() => {
    const th = document.activeElement.closest('th');
    return { sort: th.getAttribute('aria-sort'), rows: [...th.closest('table')
      .querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-key')).join() };
  });
  await page.keyboard.press('Enter');
  const after = await page.evaluate(() => {
    const th = document.activeElement.closest('th');
    return { sort: th?.getAttribute('aria-sort'), rows: [...th.closest('table')
      .querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-key')).join() };
  });
  assert.ok(['ascending', 'descending'].includes(after.sort),
    `aria-sort after Enter: ${after.sort} (before: ${before.sort})`);
  assert.notEqual(after.sort, before.sort, 'Enter on a sort button changed nothing');
  // Each heading with a button, clicked: sorted by it.
  const heads = await page.locator(button).count();
  for (let i = 0; i < heads; i++) {
    await page.locator(button).nth(i).click();
    const sort = await page.locator('#areas th').filter({ has: page.locator('button') }).nth(i)
      .getAttribute('aria-sort');
    assert.ok(['ascending', 'descending'].includes(sort), `heading ${i + 1}: aria-sort ${sort}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard: the upload input reached', async () => {
  const page = await login(await newPage(browser), users.providerB);
  assert.ok(await tabTo(page, '#upload-file'), `${users.providerB.home}: Tab never reaches #upload-file`);
  await page.context().close();
});
