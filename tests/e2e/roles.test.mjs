// roles.test.mjs — each role's home, and a submission, held to checks.mjs
// (screenshots, axe-core, the shell, CSV, weight, requests); the upload input within
// reach of the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, users } from './common.mjs';
import { examineAll, tabTo } from './checks.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

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

test('keyboard: the upload input reached', async () => {
  const page = await login(await newPage(browser), users.providerB);
  assert.ok(await tabTo(page, '#upload-file'),
    `${users.providerB.home}: Tab never reaches #upload-file`);
  await page.context().close();
});
