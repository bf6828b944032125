// Reminders in a real browser: a focal point's digest of the day (computed by `tiendo remind`)
// rings the bell, is read on "Thông báo" and marked read; "Việc cần xử lý" lists the agency's
// overdue and due-soon work with links to the tasks, on a desktop and on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, shots } from '../lib/app.mjs';

let app, base;

before(async () => {
  app = await startApp();
  ({ base } = app);
});

after(async () => {
  await app?.stop();
});

const today = new Date().toISOString().slice(0, 10);

test("a focal point's digest rings the bell, is read, and its inbox links to the tasks", async () => {
  const oneTime = app.addUser('nhac-btc', 'focal', 'BTC');
  const { ctx, page } = await app.firstSignIn('nhac-btc', oneTime, 'mat-khau-nhac-2026');
  await page.goto(base + '/');
  assert.equal(await page.$('.bell .count'), null, 'nothing unread before the digest');

  const out = JSON.parse(app.run(['remind', '--as-of', today, '--format', 'json']));
  const mine = out.messages.find((m) => m.user === 'nhac-btc');
  assert.ok(mine, 'a digest for the focal point');
  assert.equal(mine.channel, 'app', 'no address: in the application only');
  const overdue = mine.items.filter((i) => i.kind === 'overdue');
  assert.ok(overdue.length > 0, 'Bộ Tài chính has overdue tasks');
  assert.ok(overdue.every((i) => i.agency === 'Bộ Tài chính'));

  await page.goto(base + '/');
  assert.equal(await page.textContent('.bell .count'), '1');
  const summary = await page.$$eval('.inbox-summary li', (els) => els.map((e) => e.textContent));
  assert.ok(summary.includes('Nhiệm vụ quá hạn: ' + overdue.length), 'the dashboard counts the inbox: ' + summary.join(' | '));
  await page.screenshot({ path: join(shots, '45-tong-quan-viec-can-xu-ly.png'), clip: { x: 0, y: 0, width: 1280, height: 500 } });
  assert.match(await page.getAttribute('.bell', 'aria-label'), /1 chưa đọc/);
  await page.screenshot({ path: join(shots, '40-chuong-thong-bao.png'), clip: { x: 0, y: 0, width: 1280, height: 120 } });

  await Promise.all([page.waitForNavigation(), page.click('.bell')]);
  assert.match(page.url(), /\/thong-bao$/);
  assert.equal(await page.$$eval('article.notice.unread', (e) => e.length), 1);
  const lines = await page.$$eval('article.notice li a', (els) => els.map((e) => e.textContent));
  assert.equal(lines.length, mine.items.length, 'every item of the digest');
  assert.ok(lines.some((l) => l.includes(overdue[0].task_name)), 'the overdue task by name');
  await page.screenshot({ path: join(shots, '41-thong-bao.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('article.notice button[type=submit]')]);
  assert.equal(await page.$$eval('article.notice.unread', (e) => e.length), 0, 'read');
  assert.equal(await page.$('.bell .count'), null, 'the bell is quiet');

  await page.goto(base + '/viec-can-xu-ly?ngay=' + today);
  const headings = await page.$$eval('.inbox h2', (els) => els.map((e) => e.textContent));
  assert.ok(headings.some((h) => h.startsWith('Nhiệm vụ quá hạn (' + overdue.length + ')')), headings.join(' | '));
  await page.screenshot({ path: join(shots, '42-viec-can-xu-ly.png'), fullPage: true });
  const first = await page.getAttribute('.inbox li a', 'href');
  assert.match(first, /^\/nhiem-vu\/\d+$/);
  await Promise.all([page.waitForNavigation(), page.click('.inbox li a')]);
  assert.match(await page.textContent('main'), /Quá hạn/);

  // The focal point gives an address: a bad one is refused and nothing is stored.
  await page.goto(base + '/tai-khoan/nhac-viec');
  await page.fill('#email', 'dau moi@mof');
  await page.evaluate(() => { document.querySelector('#email').type = 'text'; });
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  assert.match(await page.textContent('#loi-email'), /không hợp lệ/, 'the message beside the address');
  assert.equal(await page.inputValue('#email'), 'dau moi@mof', 'what was typed stays, to be mended');
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
  await page.fill('#email', 'dau-moi@mof.gov.vn');
  await page.selectOption('#frequency', 'weekly');
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /Đã lưu/);
  assert.equal(await page.inputValue('#email'), 'dau-moi@mof.gov.vn');
  assert.equal(await page.inputValue('#frequency'), 'weekly');
  await page.screenshot({ path: join(shots, '44-cach-nhan-nhac-viec.png'), fullPage: true });
  await ctx.close();

  // On a phone.
  const phone = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await phone.newPage();
  await p.goto(base + '/dang-nhap');
  await app.signInOn(p, 'nhac-btc', 'mat-khau-nhac-2026');
  await p.goto(base + '/viec-can-xu-ly?ngay=' + today);
  await p.screenshot({ path: join(shots, '43-viec-can-xu-ly-dien-thoai.png'), fullPage: false });
  const wide = await p.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 391).map((e) => e.tagName + '.' + e.className).slice(0, 5));
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390 + 1, 'no sideways scrolling on a phone: ' + width + ' ' + wide.join(' '));
  await phone.close();
});
