// A conclusion notice written in prose, imported in the browser: the preview shows each task
// beside the sentence it came from and what to check; confirmed, the tasks are stored and found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, shots, samples, root } from '../lib/app.mjs';

let app;

before(async () => {
  app = await startApp({ importSample: false });
});

after(async () => {
  await app?.stop();
});

test('the standing agency imports a prose notice and sees each task beside its sentence', async () => {
  const s = await app.firstSignIn('admin', app.adminPassword, 'mat-khau-e2e-2026');
  const { page } = s;
  await page.goto(app.base + '/nhap-tep');
  await page.setInputFiles('input[type=file]', join(samples, 'conclusion-624-TB-VPCP-2025-11.txt'));
  await Promise.all([page.waitForNavigation(), page.click('form[action="/nhap-tep"] button[type=submit]')]);
  const text = await page.textContent('main');
  const m = text.match(/(\d+) nhiệm vụ/);
  assert.ok(m && Number(m[1]) >= 30, 'the notice gives its tasks: ' + (m && m[1]));
  assert.match(text, /Câu gốc: «Bộ Nội vụ tham mưu ban hành Kế hoạch triển khai thu nhận mẫu sinh phẩm/);
  assert.match(text, /không có thời hạn/, 'a task with no deadline is marked for checking');
  assert.match(text, /Thành phố Hà Nội/);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.locator('text=Bộ Nội vụ tham mưu').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, '42-xem-truoc-thong-bao.png') });
  assert.match(text, new RegExp(m[1] + ' nhiệm vụ \\(' + m[1] + ' mới'), 'every task is new');
  const preview = page.url();

  // The person drops the first task and corrects the one without a deadline.
  await Promise.all([page.waitForNavigation(), page.click('#muc-0 form.inline button')]);
  assert.match(await page.textContent('.flash'), /Đã bỏ mục/);
  assert.match(await page.textContent('#muc-0'), /Đã bỏ/);
  const undated = page.locator('tr[id^="muc-"]', { hasText: 'không có thời hạn' }).first();
  const id = await undated.getAttribute('id');
  await Promise.all([page.waitForNavigation(), undated.locator('a', { hasText: 'Sửa' }).click()]);
  assert.match(await page.textContent('h1'), /Sửa nhiệm vụ/);
  await page.fill('input[name=deadline]', 'Quý I/2026');
  await page.fill('input[name=lead]', 'Bộ Tư pháp');
  await page.screenshot({ path: join(shots, '48-sua-muc-nhap.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form.box button[type=submit]')]);
  assert.match(page.url(), new RegExp('#' + id + '$'));
  const row = await page.textContent('#' + id);
  assert.match(row, /Bộ Tư pháp/);
  assert.match(row, /31\/03\/2026/);
  assert.match(row, /đã sửa tay/);
  await page.locator('#' + id).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, '49-xem-truoc-da-sua.png') });

  // The preview survives a reload (it waits in the database).
  await page.goto(preview);
  assert.match(await page.textContent('#muc-0'), /Đã bỏ/);
  const kept = Number(m[1]) - 1;
  assert.match(await page.textContent('form#xac-nhan'), new RegExp('Lưu ' + kept + ' nhiệm vụ'));
  await Promise.all([page.waitForNavigation(), page.click('form#xac-nhan button[type=submit]')]);
  assert.match(await page.textContent('.flash'), new RegExp(kept + ' nhiệm vụ mới'));
  await page.goto(app.base + '/nhiem-vu?q=mau+sinh+pham');
  assert.match(await page.textContent('main'), /thu nhận mẫu sinh phẩm/);
  await s.ctx.close();
});

test('a big letter is read and stored in the background, with a progress bar', async () => {
  const s = await app.signIn('admin', 'mat-khau-e2e-2026');
  const { page } = s;
  const file = join(app.dir, 'phu-luc-lon.docx');
  app.run(['generate', '--tasks', '6000', '--seed', '7', '--docx', file]);
  await page.goto(app.base + '/nhap-tep');
  await page.setInputFiles('input[type=file]', file);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/nhap-tep"] button[type=submit]')]);
  // Read (or still reading, with its bar): wait for the preview.
  await page.waitForSelector('form#xac-nhan', { timeout: 60000 });
  assert.match(await page.textContent('main'), /6000 nhiệm vụ \(6000 mới/);
  assert.ok(await page.$('nav.pager'), 'a big preview comes in pages');
  // While the 6,000 tasks are stored (seconds), the job's page shows a progress bar: looked at
  // from a second tab every 100 ms from the click on, not only after the confirmation's wait.
  const job = new URL(page.url()).pathname;
  const watcher = await s.ctx.newPage();
  const confirming = Promise.all([
    page.waitForNavigation({ timeout: 120000 }),
    page.click('form#xac-nhan button[type=submit]'),
  ]);
  let bar = null;
  for (let i = 0; i < 600 && !bar; i++) {
    await watcher.goto(app.base + job);
    bar = await watcher.$('progress#tien-do');
    if (!bar) {
      if (await watcher.$('.flash.ok')) break;
      await watcher.waitForTimeout(100);
    }
  }
  assert.ok(bar, 'a progress bar while storing');
  await watcher.screenshot({ path: join(shots, '50-dang-luu.png') });
  await watcher.close();
  await confirming;
  // The page reloads itself until it is stored; a reload of our own changes nothing.
  await page.reload();
  await page.waitForSelector('.flash.ok', { timeout: 120000 });
  assert.match(await page.textContent('.flash'), /6000 nhiệm vụ mới/);
  await page.screenshot({ path: join(shots, '51-da-luu-tep-lon.png') });
  await s.ctx.close();
});

test('a letter with a difficulty appendix fills the register, each agency with its own answer', async () => {
  const s = await app.signIn('admin', 'mat-khau-e2e-2026');
  const { page } = s;
  await page.goto(app.base + '/nhap-tep');
  await page.setInputFiles('input[type=file]', join(root, 'testdata', 'constructed', 'cong-van-2352-BCA-VPB.txt'));
  await page.fill('input[name=reported_on]', '2025-11-10');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/nhap-tep"] button[type=submit]')]);
  const text = await page.textContent('main');
  assert.match(text, /4 khó khăn, vướng mắc/);
  assert.match(text, /Nhóm 1 - Nhiệm vụ về thể chế \(2 nhiệm vụ\)/);
  assert.match(await page.textContent('#kho-khan-0'), /Bộ Tư pháp: đã trả lời — Đã hướng dẫn tại Công văn số 123\/BTP-PLQT/);
  await page.locator('#kho-khan-0').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, '52-xem-truoc-kho-khan.png') });
  await Promise.all([page.waitForNavigation(), page.click('form#xac-nhan button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /khó khăn, vướng mắc: 4 mới/);
  await page.goto(app.base + '/kho-khan');
  const register = await page.textContent('main');
  assert.match(register, /Bộ Khoa học và Công nghệ: đã trả lời/);
  assert.match(register, /Bộ Công an/);
  await page.screenshot({ path: join(shots, '53-so-kho-khan-nhieu-co-quan.png'), fullPage: true });
  await s.ctx.close();
});
