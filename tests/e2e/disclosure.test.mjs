// disclosure.test.mjs — every public page (England, a sample of areas,
// each measure, /measures, /framework), read as the public: each row of figures
// (tr[data-key]) is traced to the public API, and one the API says is suppressed
// shows no figure; no chart's title or text gives a suppressed area's figure. Each
// page also has the shell every page has, weighs under 500 KB with what it loads, and
// names nothing to load from anywhere but the server.
//
// The pages are fetched and parsed by the browser (DOMParser), not laid out and
// painted: the scan reads what the server wrote, some 75 pages, in seconds.
// pages.test.mjs loads the main pages whole, with their requests watched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, href, publicJSON, allResults, keyOf, reference, ENGLAND, ORIGIN, MAX_BYTES,
} from './common.mjs';

const SAMPLE = 20;

let browser;
let areas;
let regions;
let measures;
let titles;
before(async () => {
  browser = await launch();
  areas = await reference('areas');
  regions = await reference('regions');
  measures = (await publicJSON('/api/v1/measures')).measures;
  titles = new Map(measures.map((m) => [m.title, m.id]));
});
after(async () => { await browser?.close(); });

// Public results, asked once per query.
const cache = new Map();
async function results(query) {
  if (!cache.has(query)) {
    const rows = new Map();
    for (const r of (await allResults(query)).rows) rows.set(keyOf(r), r);
    cache.set(query, rows);
  }
  return cache.get(query);
}
async function frameworkRows(fw, area, period) {
  const q = `/api/v1/frameworks/${fw}/status?area=${area}${period ? `&period=${period}` : ''}`;
  if (!cache.has(q)) {
    const rows = new Map();
    for (const r of (await publicJSON(q)).rows) {
      rows.set([fw, r.area, r.metric, r.period].join('|'), r);
    }
    cache.set(q, rows);
  }
  return cache.get(q);
}

// The public API's row for each key: a page of one area is asked by area, one of
// one measure by measure and period.
async function lookup(keys) {
  const found = new Map();
  const results5 = keys.filter((k) => k.split('|').length === 5);
  const byArea = new Set(results5.map((k) => k.split('|')[1]));
  const byMeasure = new Set(results5.map((k) => k.split('|').slice(0, 1).concat(
    k.split('|')[2]).join('|')));
  if (byArea.size <= byMeasure.size) {
    for (const a of byArea) for (const [k, r] of await results(`area=${a}`)) found.set(k, r);
  } else {
    for (const mp of byMeasure) {
      const [m, p] = mp.split('|');
      for (const [k, r] of await results(`measure=${m}&period=${p}`)) found.set(k, r);
    }
  }
  for (const k of keys.filter((x) => x.split('|').length === 4)) {
    const [fw, area, , period] = k.split('|');
    const rows = await frameworkRows(fw, area, period).catch(() => new Map());
    if (rows.has(k)) found.set(k, rows.get(k));
  }
  return found;
}

// A cell's text without what is not a figure: periods, dates, quarters.
const unperiod = (t) => t.replace(/\b12m-\d{4}-\d{2}\b/g, '').replace(/\b\d{4}-\d{2}-\d{2}\b/g, '')
  .replace(/\b\d{4}-\d{2,4}(-Q\d)?\b/g, '').replace(/\bQ[1-4]\b/g, '');
const NOT_FIGURES = /england|period|year|quarter|measure|indicator|area|region|name|partnership/i;

const assets = new Map();

// In the page (a function evaluated there): fetch P and parse it, and give back what
// the scan reads: the shell, the rows of figures, the charts' marks, what it loads.
async function read(p) {
  const r = await fetch(p, { credentials: 'omit' });
  const html = await r.text();
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const all = (sel) => [...doc.querySelectorAll(sel)];
  const text = (e) => e.textContent.replace(/\s+/g, ' ').trim();
  return {
    status: r.status,
    csp: r.headers.get('content-security-policy'),
    bytes: new TextEncoder().encode(html).length,
    shell: {
      h1: all('h1').length,
      main: all('main#main').length,
      nav: all('nav').length,
      skip: all('a[href="#main"]').length,
      inline: all('script:not([src])').filter((e) => e.textContent.trim()).length,
      handlers: all('*').filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name)))
        .length,
    },
    // What a browser would load: scripts, styles, images, frames; not data: URLs.
    loads: [
      ...all('script[src], img[src], iframe[src], embed[src], source[src], audio[src], video[src]')
        .map((e) => e.getAttribute('src')),
      ...all('link[href]').filter((e) => /stylesheet|icon|preload|prefetch|manifest/i
        .test(e.getAttribute('rel') || '')).map((e) => e.getAttribute('href')),
      ...all('object[data]').map((e) => e.getAttribute('data')),
      ...all('svg image').map((e) => e.getAttribute('href') || e.getAttribute('xlink:href')),
    ].filter((u) => u && !/^data:/.test(u)),
    rows: all('tr[data-key]').map((tr) => {
      const table = tr.closest('table');
      const heads = table ? [...table.querySelectorAll('thead tr:last-child th')].map(text) : [];
      return { key: tr.getAttribute('data-key'),
        cells: [...tr.children].map((c, i) => ({ head: heads[i] || '', text: text(c) })) };
    }),
    suppressedCells: all('main td.bench-suppressed, main td[title^="suppressed"]').map(text),
    // A chart's marks: a title within it (not the chart's own), a text, a label.
    marks: all('main svg').flatMap((svg) => [...svg.querySelectorAll(
      'title, text, [data-key], [aria-label]')]
      .filter((e) => !(e.tagName === 'title' && e.parentElement === svg))
      .map((e) => ({
        key: e.closest('[data-key]')?.getAttribute('data-key') || '',
        text: ((e.tagName === 'title' || e.tagName === 'text') ? e.textContent
          : e.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim(),
      }))),
  };
}

async function scan(page, p) {
  const failures = new Map();
  // Failures of one kind on one page are counted, and the first few shown.
  const fail = (kind, example) => {
    const f = failures.get(kind) || { n: 0, examples: [] };
    f.n++;
    if (f.examples.length < 3) f.examples.push(example);
    failures.set(kind, f);
  };
  const got = await page.evaluate(read, p);
  if (got.status !== 200) throw new Error(`answered ${got.status}`);
  assert.ok(got.csp, `${p}: no Content-Security-Policy header`);
  const sh = got.shell;
  assert.deepEqual([sh.h1, sh.main, sh.nav > 0, sh.skip > 0, sh.inline, sh.handlers],
    [1, 1, true, true, 0, 0],
    `${p}: not the shell every page has (one h1, main#main, a nav, a skip link, no inline script)`);
  // Its weight: the page and what it loads from /static/ (each asked once).
  let bytes = got.bytes;
  for (const a of got.loads) {
    const u = new URL(a, href(p));
    if (u.origin !== ORIGIN) { fail('things to load from elsewhere', u.href); continue; }
    if (!assets.has(u.href)) {
      const r = await fetch(u.href);
      assets.set(u.href, r.ok ? (await r.arrayBuffer()).byteLength : 0);
      if (!r.ok) fail('assets that fail to load', `${u.pathname}: ${r.status}`);
    }
    bytes += assets.get(u.href);
  }
  if (bytes >= MAX_BYTES) fail('KB with what it loads, over 500', Math.round(bytes / 1024));
  const rows = got.rows;
  // A row of places (similar areas) is keyed by the place's code alone, a column for
  // each measure headed by its title (and unit), each figure the page's year's.
  const isPlace = (k) => /^[A-Z]\d{8}$/.test(k);
  const traceable = rows.filter((r) => [4, 5].includes(r.key.split('|').length));
  for (const r of rows.filter((x) => !traceable.includes(x) && !isPlace(x.key))) {
    fail('rows whose data-key is not measure|area|period|breakdown|category: their figures '
      + 'cannot be traced to the API', r.key);
  }
  const year = traceable.map((r) => r.key.split('|')).find((k) => k.length === 5
    && /^\d{4}-\d{2}$/.test(k[2]))?.[2];
  const cellsOf = [];
  for (const row of rows.filter((x) => isPlace(x.key))) {
    for (const [i, c] of row.cells.entries()) {
      const m = titles.get(c.head.replace(/\s*\([^()]*\)$/, ''));
      if (i === 0 || !m) continue;
      if (!year) { fail('rows of places on a page with no year', row.key); break; }
      cellsOf.push({ key: [m, row.key, year, 'all', 'all'].join('|'),
        cells: [row.cells[0], { head: 'Value', text: c.text }] });
    }
  }
  const checked = [...traceable, ...cellsOf];
  const api = await lookup([...new Set(checked.map((r) => r.key))]);
  const suppressed = new Set();
  for (const row of checked) {
    const r = api.get(row.key);
    if (!r) { fail('data-keys that are no result of the public API', row.key); continue; }
    if (!r.suppressed) continue;
    suppressed.add(row.key);
    for (const [i, c] of row.cells.entries()) {
      if (i === 0 || NOT_FIGURES.test(c.head)) continue;
      // a denominator that is an estimate or a population stays public (the API
      // gives it for a suppressed row too): it gives no small count away
      if (/^Of\b/.test(c.head) && r.denominator !== null) continue;
      if (/\d/.test(unperiod(c.text))) {
        fail(`suppressed rows that show their "${c.head}"`, `${row.key}: ${c.text}`);
      }
    }
  }
  // A cell marked suppressed, in any table, shows no figure.
  for (const t of got.suppressedCells) {
    if (/\d/.test(unperiod(t))) fail('cells marked suppressed that show a figure', t.trim());
  }
  const marks = got.marks;
  const suppressedAreas = new Set();
  for (const k of suppressed) {
    const code = k.split('|')[1];
    const a = areas.find((x) => x.code === code) || regions.find((x) => x.code === code);
    if (a) suppressedAreas.add(a.name);
  }
  for (const k of new Set(marks.map((m) => m.key).filter((x) => x && !api.has(x)))) {
    if (k.split('|').length === 5) for (const [kk, r] of await lookup([k])) api.set(kk, r);
  }
  const wholeWord = (name, text) => new RegExp(
    `(^|[^A-Za-z])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z]|$)`).test(text);
  for (const m of marks) {
    if (!m.text) continue;
    let label = m.key;
    let hidden = !!api.get(m.key)?.suppressed;
    if (!m.key && p.startsWith('/measure/')) {
      // On a measure's page each mark is an area's: the longest area's name the text
      // holds, as a whole word, is a suppressed one.
      label = areas.map((a) => a.name).filter((n) => wholeWord(n, m.text))
        .sort((x, y) => y.length - x.length)[0];
      hidden = !!label && suppressedAreas.has(label);
    }
    if (hidden && /\d/.test(unperiod(m.text.replace(label, '')))) {
      fail('chart marks of a suppressed row that show a figure', m.text);
    }
  }
  return {
    failures: [...failures].map(([kind, f]) => `${p}: ${f.n} ${kind}; e.g. ${
      f.examples.join(' | ')}`),
    rows: rows.length,
    suppressed: suppressed.size,
  };
}

async function scanAll(list) {
  const page = await newPage(browser);
  await page.goto(href('/measures'));
  const failures = [];
  let rows = 0;
  let hidden = 0;
  for (const p of list) {
    try {
      const s = await scan(page, p);
      failures.push(...s.failures);
      rows += s.rows;
      hidden += s.suppressed;
    } catch (e) {
      failures.push(`${p}: ${e.message}`);
    }
  }
  failures.push(...new Set(page.errors));
  await page.context().close();
  if (failures.length) {
    assert.fail(`${failures.length} failures:\n${failures.slice(0, 60).join('\n')}\n${
      failures.length > 60 ? `and ${failures.length - 60} more\n` : ''}`);
  }
  return { rows, hidden };
}

// The regions have no profile of their own: their figures are on England's page
// (the regions' bars) and on every measure's (compare areas), scanned below.
test('England', async () => {
  const s = await scanAll(['/', `/area/${ENGLAND}`]);
  assert.ok(s.rows > 0, 'no row of figures carries a data-key');
});

test(`a sample of ${SAMPLE} areas`, async () => {
  const step = Math.max(1, Math.floor(areas.length / SAMPLE));
  const sample = areas.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  const s = await scanAll(sample.map((a) => `/area/${a.code}`));
  assert.ok(s.hidden > 0, 'no suppressed row among the areas: the check checked nothing');
});

test('every measure', async () => {
  const s = await scanAll(measures.map((m) => `/measure/${m.id}`));
  assert.ok(s.hidden > 0, 'no suppressed row on any measure page: the check checked nothing');
});

test('/measures and /framework', async () => {
  await scanAll(['/measures', '/framework']);
});
