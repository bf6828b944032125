// Another monitoring system's export, imported in the browser twice under two file names: the
// form's "Tệp xuất từ hệ thống theo dõi khác" names the system, the preview shows each task's id
// and, the second time, counts the tasks stored under those ids as changed, not new.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startApp, shots } from '../lib/app.mjs';

let app;

before(async () => {
  app = await startApp({ importSample: false });
});

after(async () => {
  await app?.stop();
});

const header = 'STT,Mã nhiệm vụ,Nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành\n';

async function upload(page, file) {
  await page.goto(app.base + '/nhap-tep');
  await page.setInputFiles('input[type=file]', file);
  await page.click('details#tu-he-thong summary');
  await page.fill('input[name=system]', 'nq57');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/nhap-tep"] button[type=submit]')]);
  await page.waitForSelector('form#xac-nhan', { timeout: 60000 });
}

test("another system's export imported again under another name updates its tasks", async () => {
  const s = await app.firstSignIn('admin', app.adminPassword, 'mat-khau-e2e-2026');
  const { page } = s;
  const november = join(app.dir, 'nq57-thang-11.csv');
  writeFileSync(november, header
    + '1,NQ57-001,Xây dựng cơ sở dữ liệu quốc gia về dân cư,Bộ Công an,30/6/2026\n'
    + '2,NQ57-002,Hoàn thiện Cổng dịch vụ công quốc gia,Văn phòng Chính phủ,Quý III/2026\n');
  const december = join(app.dir, 'nq57-thang-12.csv');
  writeFileSync(december, header
    + '1,NQ57-002,Hoàn thiện và kết nối Cổng dịch vụ công quốc gia,Văn phòng Chính phủ,Quý IV/2026\n'
    + '2,NQ57-001,Xây dựng cơ sở dữ liệu quốc gia về dân cư,Bộ Công an,30/6/2026\n'
    + '3,NQ57-003,Số hoá hồ sơ đất đai,Bộ Nông nghiệp và Môi trường,31/12/2026\n');

  await page.goto(app.base + '/nhap-tep');
  await page.click('details#tu-he-thong summary');
  await page.fill('input[name=system]', 'nq57');
  await page.screenshot({ path: join(shots, '54-nhap-tu-he-thong-khac.png') });

  await upload(page, november);
  assert.match(await page.textContent('#he-thong-nguon'), /Tệp xuất từ hệ thống nq57/);
  assert.match(await page.textContent('main'), /2 nhiệm vụ \(2 mới/);
  await Promise.all([page.waitForNavigation(), page.click('form#xac-nhan button[type=submit]')]);
  await page.waitForSelector('.flash.ok', { timeout: 60000 });

  await upload(page, december);
  const text = await page.textContent('main');
  assert.match(text, /3 nhiệm vụ \(1 mới, 2 thay đổi/);
  assert.match(await page.textContent('#muc-0'), /Mã NQ57-002/);
  await page.screenshot({ path: join(shots, '55-xem-truoc-theo-ma-he-thong.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form#xac-nhan button[type=submit]')]);
  await page.waitForSelector('.flash.ok', { timeout: 60000 });
  assert.match(await page.textContent('.flash'), /1 nhiệm vụ mới, 2 cập nhật/);
  await page.goto(app.base + '/nhiem-vu?q=cong+dich+vu+cong');
  assert.match(await page.textContent('main'), /Hoàn thiện và kết nối Cổng dịch vụ công quốc gia/);
  await s.ctx.close();
});
