// access.test.mjs — each role logs in through /login and sees only what is its own:
// a provider is refused another provider's page and submissions, an area account the
// national page, the public every restricted page (sent to /login).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, href, users, publicJSON, keyedRows } from './common.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const path = (page) => new URL(page.url()).pathname;

// What a refusal must not hold: figures, submissions, an upload form.
async function holdsNothing(page, where) {
  const found = await page.evaluate(() => ({
    rows: document.querySelectorAll('tr[data-key]').length,
    links: document.querySelectorAll('a[href*="/submissions/"]').length,
    parts: ['upload', 'submissions', 'figures', 'framework', 'targets', 'below-expected',
      'received', 'users', 'audit'].filter((id) => document.getElementById(id)),
  }));
  assert.deepEqual(found, { rows: 0, links: 0, parts: [] }, `${where}: the refusal shows data`);
}

async function refused(page, p, codes, where) {
  const r = await page.goto(href(p));
  assert.ok(codes.includes(r.status()),
    `${where}: ${p} answered ${r.status()} at ${page.url()}, expected ${codes.join(' or ')}`);
  await holdsNothing(page, `${where} at ${p}`);
}

test('the public is sent to /login for every restricted page', async () => {
  const page = await newPage(browser);
  for (const p of ['/national', users.area.home, users.providerA.home, '/submissions/1']) {
    await page.goto(href(p));
    assert.equal(path(page), '/login', `${p} as the public ended at ${page.url()}`);
  }
  assert.equal(await page.locator('input[type="password"]').count(), 1, '/login has no form');
  await page.context().close();
});

test('a wrong password is refused at /login', async () => {
  const page = await newPage(browser);
  await page.goto(href('/login'));
  await page.locator('input[name="name"]').fill(users.national.name);
  await page.locator('input[name="password"]').fill('not-the-password-at-all');
  await page.locator('form:has(input[type="password"]) button').first().click();
  await page.waitForLoadState();
  assert.equal(path(page), '/login', `a wrong password ended at ${page.url()}`);
  await page.goto(href('/national'));
  assert.equal(path(page), '/login', 'after a wrong password /national is open');
  await page.context().close();
});

test('national: logs in to /national and out again', async () => {
  const page = await login(await newPage(browser), users.national);
  assert.equal(path(page), users.national.home);
  for (const id of ['framework', 'received', 'users', 'audit']) {
    assert.equal(await page.locator(`#${id}`).count(), 1, `/national has no #${id}`);
  }
  // The areas below what is expected of them: #below-expected, or as the national
  // report names it, #areas.
  assert.ok(await page.locator('#below-expected, #areas').count() >= 1,
    '/national has no #below-expected (nor #areas)');
  // The accounts are listed, each of the four.
  const people = await page.locator('#users').innerText();
  for (const u of Object.values(users)) assert.ok(people.includes(u.name), `#users: ${u.name}`);
  // Log out: a POST form in the nav; the session is over.
  await Promise.all([page.waitForURL((u) => u.pathname !== '/national'),
    page.locator('nav form[method="post" i] button, nav form[method="post" i] [type="submit"]')
      .first().click()]);
  await page.goto(href('/national'));
  assert.equal(path(page), '/login', 'after logging out /national is open');
  await page.context().close();
});

test('area: its partnership, its areas unsuppressed; /national refused', async () => {
  const page = await login(await newPage(browser), users.area);
  assert.equal(path(page), users.area.home);
  // Figures the public may not see are shown only for the partnership's own areas.
  const rows = await keyedRows(page);
  assert.ok(rows.length > 0, `${users.area.home}: no rows with data-key`);
  const publicRows = new Map();
  for (const area of users.area.areas) {
    const j = await publicJSON(`/api/v1/results?area=${area}&limit=10000`);
    for (const r of j.rows) {
      publicRows.set([r.measure, r.area_code, r.period, r.breakdown, r.category].join('|'), r);
    }
  }
  let unsuppressed = 0;
  for (const row of rows) {
    const [, area] = row.key.split('|');
    const pub = publicRows.get(row.key);
    const figures = row.cells.slice(1).some((c) => /\d/.test(c.text.replace(/\d{4}-\d{2,4}/g, '')));
    if (pub && pub.suppressed && figures) {
      assert.ok(users.area.areas.includes(area), `${row.key}: a figure outside the partnership`);
      unsuppressed++;
    }
  }
  assert.ok(unsuppressed > 0,
    `${users.area.home}: no figure the public cannot see: its own areas are not unsuppressed`);
  await refused(page, '/national', [403, 404], 'area account');
  await refused(page, users.providerA.home, [403, 404], 'area account');
  await page.context().close();
});

test('provider: its own page; another provider\'s page and submissions refused', async () => {
  // B's submissions, as B sees them.
  const pageB = await login(await newPage(browser), users.providerB);
  assert.equal(path(pageB), users.providerB.home);
  const answer = await pageB.request.get(
    href(`/api/v1/submissions?source=${users.providerB.code}`));
  assert.equal(answer.status(), 200, 'provider B cannot list its submissions');
  const mine = (await answer.json()).submissions ?? [];
  assert.ok(mine.length > 0, 'provider B has no submissions');
  const linked = await pageB.locator('#submissions a[href*="/submissions/"]').evaluateAll(
    (as) => as.map((a) => Number(new URL(a.href).pathname.split('/').pop())));
  const later = [];
  try {
    assert.deepEqual(linked, mine.map((s) => s.id).sort((x, y) => y - x),
      '#submissions: not each submission, newest first');
  } catch (e) { later.push(e); }
  await pageB.context().close();

  const page = await login(await newPage(browser), users.providerA);
  assert.equal(path(page), users.providerA.home);
  for (const id of ['upload', 'submissions', 'figures']) {
    assert.equal(await page.locator(`#${id}`).count(), 1, `provider page has no #${id}`);
  }
  const figures = await keyedRows(page);
  for (const row of figures) {
    assert.equal(row.key.split('|')[1], users.providerA.code,
      `provider ${users.providerA.code} shown another's row ${row.key}`);
  }
  // Its own submission opens; B's answers 404, as one that does not exist.
  const own = await page.locator('#submissions a[href*="/submissions/"]').first()
    .getAttribute('href');
  assert.ok(own, 'provider A lists no submission');
  const r = await page.goto(href(own));
  assert.equal(r.status(), 200, `${own}: ${r.status()}`);
  await refused(page, users.providerB.home, [403, 404], 'provider A');
  for (const s of mine.slice(0, 3)) {
    await refused(page, `/submissions/${s.id}`, [404], 'provider A');
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes(s.sha256), `/submissions/${s.id}: B's file shown to A`);
  }
  await refused(page, '/national', [403, 404], 'provider A');
  await refused(page, users.area.home, [403, 404], 'provider A');
  await page.context().close();
  if (later.length) throw later[0];
});
