// pages.test.mjs — the public's main pages held to checks.mjs (screenshots, axe-core,
// the shell, CSV, weight, requests), and the keyboard on a measure's sortable table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, href, publicJSON, users } from './common.mjs';
import { examineAll, tabTo } from './checks.mjs';

let browser;
let area;
let measure;
before(async () => {
  browser = await launch();
  // An area of the partnership: one with people in treatment.
  area = users.area.areas[0];
  const measures = (await publicJSON('/api/v1/measures')).measures;
  measure = (measures.find((m) => m.id === 'in_treatment') || measures[0]).id;
});
after(async () => { await browser?.close(); });

test('public pages', async () => {
  const page = await newPage(browser);
  // England's profile is / (the same page as /area/E92000001, checked by disclosure).
  await examineAll(page, [
    ['/', 'england'], [`/area/${area}`, 'area'],
    [`/measure/${measure}`, 'measure'], ['/measures', 'measures'], ['/framework', 'framework'],
    ['/login', 'login'],
  ]);
  await page.context().close();
});

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
