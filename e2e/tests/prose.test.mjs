// A conclusion notice written in prose, imported in the browser: the preview shows each task
// beside the sentence it came from and what to check; confirmed, the tasks are stored and found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, shots, samples } from '../lib/app.mjs';

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
  await Promise.all([page.waitForNavigation(), page.click('form[action^="/nhap-tep/"] button[type=submit]')]);
  assert.match(await page.textContent('.flash'), new RegExp(m[1] + ' nhiệm vụ mới'));
  await page.goto(app.base + '/nhiem-vu?q=mau+sinh+pham');
  assert.match(await page.textContent('main'), /thu nhận mẫu sinh phẩm/);
  await s.ctx.close();
});
