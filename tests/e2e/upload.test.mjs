// upload.test.mjs — a provider sends its year's episodes through its page: first with
// errors (an impossible date, an unknown code), whose diagnostics name the broken
// lines; then fixed, after which its figures change once the results are computed
// again in the background.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, newPage, login, href, users } from './common.mjs';

const who = users.providerA;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The file with FIELD of line LINE (1 the header) set to VALUE, for each change.
function broken(text, changes) {
  const lines = text.split('\n');
  const header = lines[0].split(',');
  for (const [line, field, value] of changes) {
    const cells = lines[line - 1].split(',');
    const i = header.indexOf(field);
    assert.ok(i >= 0, `no column ${field}`);
    cells[i] = value;
    lines[line - 1] = cells.join(',');
  }
  return lines.join('\n');
}

// Send TEXT as episodes.csv through the page's file input.
async function upload(page, text) {
  const input = page.locator('#upload-file');
  await input.setInputFiles({ name: 'episodes.csv', mimeType: 'text/csv',
    buffer: Buffer.from(text) });
  // A form that waits for its button to be pressed, or one that sends on choosing.
  const submit = page.locator('#upload button[type="submit"], #upload input[type="submit"]');
  if (await submit.count() > 0 && await submit.first().isVisible()) await submit.first().click();
}

const diagnostics = (page) => page.evaluate(() => {
  const table = document.querySelector('#upload-result table');
  if (!table) return null;
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  return [...table.querySelectorAll('tbody tr')].map((tr) => Object.fromEntries(
    [...tr.children].map((c, i) => [heads[i] || i, c.textContent.trim()])));
});

const column = (rows, re) => {
  const name = Object.keys(rows[0] || {}).find((h) => re.test(h));
  return name ? rows.map((r) => r[name]) : [];
};

async function asOf(page) {
  const r = await page.request.get(href(`/api/v1/results?organisation=${who.code}&limit=1`));
  assert.equal(r.status(), 200, `results of ${who.code}: ${r.status()}`);
  return (await r.json()).as_of;
}

test('upload with errors, see them, fix them, see the figures change', async () => {
  const page = await login(await newPage(browser), who);
  assert.equal(new URL(page.url()).pathname, who.home);
  for (const id of ['upload-file', 'drop', 'upload-progress', 'upload-result', 'figures']) {
    assert.equal(await page.locator(`#${id}`).count(), 1, `${who.home}: no #${id}`);
  }
  assert.equal(await page.locator('#upload-file').getAttribute('type'), 'file');
  const figuresBefore = await page.locator('#figures').innerText();
  const asOfBefore = await asOf(page);

  const good = fs.readFileSync(process.env.DSMS_PROVIDER_A_EPISODES, 'utf8');
  const rows = good.trimEnd().split('\n').length;
  assert.ok(rows >= 4, `the held-back file has ${rows - 1} rows: too few to break two`);
  const bad = broken(good, [[2, 'referral_date', '2024-02-30'], [4, 'substance_1', 'herion']]);

  // With errors: a row for each, naming the line, the field, what was wrong and expected.
  await upload(page, bad);
  await page.waitForFunction(() => document.querySelectorAll('#upload-result tbody tr').length >= 2,
    null, { timeout: 30000 });
  const found = await diagnostics(page);
  const text = await page.locator('#upload-result').innerText();
  const lines = column(found, /line/i);
  assert.ok(lines.some((l) => /\b2\b/.test(l)) && lines.some((l) => /\b4\b/.test(l)),
    `#upload-result does not name lines 2 and 4: ${text}`);
  assert.match(text, /referral_date/, '#upload-result: the date\'s field is not named');
  assert.match(text, /2024-02-30/, '#upload-result: the bad date is not shown');
  assert.match(text, /substance_1/, '#upload-result: the code\'s field is not named');
  assert.match(text, /herion/, '#upload-result: the bad code is not shown');
  assert.ok(found.every((r) => Object.keys(r).length >= 4),
    '#upload-result: a diagnostic without line, field, what was wrong and what is expected');

  // Fixed: sent again, no diagnostic for those lines.
  await page.goto(href(who.home));
  const empty = await page.locator('#upload-result').textContent();
  await upload(page, good);
  await page.waitForFunction((was) => {
    const r = document.querySelector('#upload-result');
    return r && r.textContent !== was && r.textContent.trim() !== ''
      && !/herion|2024-02-30/.test(r.textContent);
  }, empty, { timeout: 30000 });
  const sent = Date.now();

  // The results are computed again in the background: wait for the figures to change.
  let figures = figuresBefore;
  let now = asOfBefore;
  while (Date.now() - sent < 60000) {
    now = await asOf(page);
    if (now !== asOfBefore && Date.parse(now) >= Math.floor(sent / 1000) * 1000 - 1000) {
      await page.goto(href(who.home));
      figures = await page.locator('#figures').innerText();
      if (figures !== figuresBefore) break;
    }
    await page.waitForTimeout(500);
  }
  assert.notEqual(now, asOfBefore, `the results were not computed again (as_of ${now})`);
  assert.notEqual(figures, figuresBefore,
    `#figures did not change after the upload (as_of ${now})`);

  // Both uploads are listed, newest first; the one with errors shows its rows held back.
  const ids = await page.locator('#submissions a[href*="/submissions/"]').evaluateAll(
    (as) => as.map((a) => Number(new URL(a.href).pathname.split('/').pop())));
  const newest = [...ids].sort((x, y) => y - x);
  await page.goto(href(`/submissions/${newest[1]}`));
  const quarantined = await page.locator('main').innerText();
  assert.match(quarantined, /herion/,
    `/submissions/${newest[1]} (the upload with errors) shows no row held back`);
  assert.match(quarantined, /2024-02-30/,
    `/submissions/${newest[1]} (the upload with errors) shows no row held back`);
  assert.deepEqual(ids, newest, '#submissions is not newest first');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
