// Quản lý tài khoản in the browser: an administrator creates a focal point's account (the
// one-time password is shown once), the new user signs in with it and is asked for a new
// password; a token with an end date is created and listed; the administrator then locks the
// account and its holder is sent back to the log-in page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, shots } from '../lib/app.mjs';

let app, admin;

before(async () => {
  app = await startApp();
  admin = await app.firstSignIn('admin', app.adminPassword, 'mat-khau-e2e-2026');
});

after(async () => {
  await admin?.ctx.close();
  await app?.stop();
});

test('an administrator creates, locks and gives a token to an account', async () => {
  const page = admin.page;
  await page.goto(app.base + '/');
  await Promise.all([page.waitForNavigation(), page.click('nav a[href="/quan-tri/tai-khoan"]')]);
  assert.equal(await page.textContent('h1'), 'Quản lý tài khoản');
  await page.fill('input[name=username]', 'dm.btc');
  await page.fill('input[name=full_name]', 'Trần Thị Đầu Mối');
  await page.selectOption('select[name=role]', 'focal');
  await page.fill('input[name=agency]', 'BTC');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/quan-tri/tai-khoan"] button[type=submit]')]);
  const once = (await page.textContent('code.secret')).trim();
  assert.ok(once.length >= 10, once);
  await page.screenshot({ path: join(shots, '60-tai-khoan-tao.png'), fullPage: true });

  // The new holder signs in with it and must choose a password first.
  const holder = await app.newPage();
  await holder.page.goto(app.base + '/dang-nhap');
  await app.signInOn(holder.page, 'dm.btc', once);
  assert.match(holder.page.url(), /\/tai-khoan\/mat-khau$/);

  // A token for thirty days, shown once, then listed with its end.
  await page.goto(app.base + '/quan-tri/tai-khoan/dm.btc');
  await page.fill('input[name=name]', 'he-thong-tinh');
  await page.fill('input[name=days]', '30');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Tạo mã truy cập")')]);
  assert.ok((await page.textContent('code.secret')).trim().length >= 20);
  await page.goto(app.base + '/quan-tri/tai-khoan/dm.btc');
  assert.match(await page.textContent('table.tokens'), /Còn hiệu lực đến/);
  await page.screenshot({ path: join(shots, '61-tai-khoan-chi-tiet.png'), fullPage: true });
  // Locked: the holder's next page is the log-in page.
  await page.goto(app.base + '/quan-tri/tai-khoan/dm.btc');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Khóa tài khoản")')]);
  assert.match(await page.textContent('.flash'), /Đã khóa tài khoản/);
  await holder.page.goto(app.base + '/');
  assert.match(holder.page.url(), /\/dang-nhap/);
  await holder.ctx.close();

  await page.goto(app.base + '/quan-tri/tai-khoan');
  assert.match(await page.textContent('table.accounts'), /Đã khóa/);
  await page.screenshot({ path: join(shots, '62-tai-khoan-danh-sach.png'), fullPage: true });
});
