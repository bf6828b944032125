// Indicators in a real browser: a table of indicators and a table of provinces' figures are
// imported; the list shows each with its colour and the rule; an indicator's page shows its
// trend and the provinces as a sorted bar chart; the scorecard colours each cell and filters by
// kind of agency; a province's focal point reports its figure, the standing agency confirms it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startApp, shots } from '../lib/app.mjs';

let app;

const iso = (d) => d.toISOString().slice(0, 10);
const today = iso(new Date());

before(async () => {
  app = await startApp({ importSample: false });
  const rows = 'STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm ' + new Date().getFullYear() + ';Kết quả thực hiện;Cơ quan chủ trì;Đánh giá\n'
    + '1;Dịch vụ công thiết yếu cung cấp trực tuyến toàn trình;dịch vụ;76;58/76;Bộ Công an;Chưa đạt\n'
    + '2;Tỷ lệ phủ sóng 5G;%;90%;39,5 %;Bộ Khoa học và Công nghệ;Chưa đạt\n'
    + '3;Số địa phương kết nối Cơ sở dữ liệu quốc gia về dân cư;địa phương;34/34;34/34;Bộ Công an;Đạt\n';
  const provinces = ['Thành phố Hà Nội;91%;1.250', 'Thành phố Hồ Chí Minh;78 %;1.100', 'Tỉnh Lạng Sơn;55%;640', 'Thành phố Đà Nẵng;83,5%;700',
    'Tỉnh Quảng Ninh;66%;520', 'Thành phố Cần Thơ;71%;480', 'Tỉnh Nghệ An;88%;610', 'Tỉnh Cao Bằng;42%;300'];
  const matrix = 'STT;Tỉnh, thành phố;Tỷ lệ hồ sơ trực tuyến toàn trình (%) (mục tiêu: 80%);Số dịch vụ công trực tuyến (dịch vụ) (mục tiêu: 600)\n'
    + provinces.map((p, i) => (i + 1) + ';' + p).join('\n') + '\n';
  writeFileSync(join(app.dir, 'chi-tieu.csv'), rows);
  writeFileSync(join(app.dir, 'tinh.csv'), matrix);
  app.run(['import', join(app.dir, 'chi-tieu.csv'), join(app.dir, 'tinh.csv'), '--reported-on', today]);
});

after(async () => {
  await app?.stop();
});

test('indicators: list, page with its charts, scorecard by kind, a figure reported and confirmed', async () => {
  const s = await app.firstSignIn('admin', app.adminPassword, 'mat-khau-e2e-2026');
  const { page } = s;
  await page.goto(app.base + '/chi-tieu');
  const list = await page.textContent('main');
  assert.match(list, /Quy tắc màu/);
  assert.match(list, /58\/76/);
  assert.match(list, /Tỷ lệ hồ sơ trực tuyến toàn trình/);
  assert.ok(await page.$('.badge.c-green'), 'an achieved indicator is green');
  await page.screenshot({ path: join(shots, '60-chi-tieu.png'), fullPage: true });

  await Promise.all([page.waitForNavigation(), page.click('text=Tỷ lệ hồ sơ trực tuyến toàn trình')]);
  assert.match(await page.textContent('h1'), /Tỷ lệ hồ sơ trực tuyến toàn trình/);
  const bars = await page.$$eval('svg.bars text', (els) => els.map((e) => e.textContent));
  assert.equal(bars[0], 'Thành phố Hà Nội', 'the highest first');
  assert.ok(bars.indexOf('Tỉnh Cao Bằng') > bars.indexOf('Tỉnh Lạng Sơn'), 'the lowest last');
  assert.ok(await page.$('svg.bars line.target'), 'the target line');
  assert.ok(await page.$('svg.trend rect'), 'the trend');
  const doc = await page.$$eval('dt', (els) => {
    const dt = els.find((e) => e.textContent === 'Văn bản đặt chỉ tiêu');
    return dt ? dt.nextElementSibling.textContent : null;
  });
  assert.equal(doc, 'tinh.csv', 'the document as people name it, not its key');
  await page.screenshot({ path: join(shots, '61-chi-tieu-trang.png'), fullPage: true });
  const indicator = page.url().split('?')[0];

  await page.goto(app.base + '/chi-tieu/bang-diem?loai=tinh');
  const cells = await page.$$eval('table.scorecard tbody td[class^="c-"]', (els) => els.map((e) => e.className));
  assert.equal(cells.length, 16, '8 provinces × 2 indicators');
  assert.ok(cells.includes('c-green') && cells.includes('c-red'));
  const first = await page.textContent('table.scorecard tbody tr:first-child th');
  assert.match(first, /Hà Nội|Nghệ An|Đà Nẵng/, 'most green first');
  await page.screenshot({ path: join(shots, '62-bang-diem.png'), fullPage: true });
  await page.goto(app.base + '/chi-tieu/bang-diem?loai=bo-nganh');
  assert.equal(await page.$$eval('table.scorecard tbody tr', (els) => els.length), 0, 'no ministry reports these');

  // Cao Bằng's focal point reports a new figure; it waits for the standing agency.
  const focal = app.addUser('dm-caobang', 'focal', 'P_CAOBANG');
  const f = await app.firstSignIn('dm-caobang', focal, 'mat-khau-cao-bang-2026');
  await f.page.goto(indicator);
  await f.page.fill('input[name=value]', 'khoảng một nửa');
  await Promise.all([f.page.waitForNavigation(), f.page.click('form[action$="/so-lieu"] button[type=submit]')]);
  // Refused: the page again, the figure typed kept, the reason beside it.
  assert.match(await f.page.textContent('form#so-lieu label:has(input[name=value]) .field-error'), /«khoảng một nửa» không phải là một số/);
  assert.equal(await f.page.inputValue('input[name=value]'), 'khoảng một nửa');
  await f.page.fill('input[name=value]', '81,2%');
  await f.page.fill('input[name=evidence]', 'Báo cáo số 15/BC-UBND');
  await f.page.screenshot({ path: join(shots, '63-bao-so-lieu.png'), fullPage: true });
  await Promise.all([f.page.waitForNavigation(), f.page.click('form[action$="/so-lieu"] button[type=submit]')]);
  assert.match(await f.page.textContent('.flash'), /Đã ghi số liệu/);
  await f.ctx.close();

  // The figure reaches the standing agency's "Việc cần xử lý", linked to the indicator.
  await page.goto(app.base + '/viec-can-xu-ly');
  const waiting = await page.textContent('main');
  assert.match(waiting, /Số liệu chỉ tiêu chờ xác nhận \(1\)/);
  assert.match(waiting, /1 số liệu do cơ quan báo cáo chờ xác nhận/);
  await page.screenshot({ path: join(shots, '66-so-lieu-cho-xac-nhan.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('text=Tỷ lệ hồ sơ trực tuyến toàn trình')]);
  assert.equal(page.url().split('?')[0], indicator);
  assert.match(await page.textContent('table.values'), /81,2%[\s\S]*Chờ xác nhận/);
  await Promise.all([page.waitForNavigation(), page.click('table.values button[value="xac-nhan"]')]);
  assert.match(await page.textContent('.flash'), /Đã xác nhận số liệu/);
  const after = await page.$$eval('svg.bars text', (els) => els.map((e) => e.textContent));
  assert.ok(after.indexOf('Tỉnh Cao Bằng') < after.indexOf('Tỉnh Lạng Sơn'), 'Cao Bằng moved up');
  await page.screenshot({ path: join(shots, '64-chi-tieu-sau-xac-nhan.png'), fullPage: true });

  // The standing agency sets the indicator's life in Vietnamese dates; one that would leave the
  // recorded figures outside is refused and changes nothing.
  await page.click('details.box summary');
  await page.fill('input[name=valid_from]', '01/01/2099');
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/thoi-gian"] button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /ngoài thời gian theo dõi/);
  assert.match(await page.textContent('dl.fields'), /không giới hạn/);
  // The form comes back open, holding the day typed, the reason beside it.
  assert.equal(await page.inputValue('input[name=valid_from]'), '01/01/2099');
  assert.match(await page.textContent('form[action$="/thoi-gian"] .field-error'), /ngoài thời gian theo dõi/);
  await page.fill('input[name=valid_from]', '01/01/2025');
  await page.fill('input[name=valid_to]', '31/12/2030');
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/thoi-gian"] button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /Đã cập nhật thời gian theo dõi/);
  assert.match(await page.textContent('dl.fields'), /01\/01\/2025 – 31\/12\/2030/);
  await page.screenshot({ path: join(shots, '65-thoi-gian-theo-doi.png'), fullPage: true });
  await s.ctx.close();
});

test('a sloppy appendix of indicators: the preview counts and shows them, the sloppy cells are warnings, saving stores them', async () => {
  const { page, ctx } = await app.signIn('admin', 'mat-khau-e2e-2026');
  const file = join(app.dir, 'phu-luc-chi-tieu.csv');
  writeFileSync(file, 'STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm ' + new Date().getFullYear() + ';Kết quả thực hiện;Cơ quan chủ trì\n'
    + '1;Tỷ lệ thủ tục có hồ sơ trực tuyến;%;85%;61,3;UBND các tỉnh, thành phố\n'
    + '2;Số hệ thống kết nối nền tảng tích hợp;hệ thống;120;Đang triển khai;Bộ Khoa học và Công nghệ\n'
    + '3;Tỷ lệ cơ quan dùng chữ ký số;%;100%;38 cơ quan;Ban Cơ yếu Chính phủ\n');
  await page.goto(app.base + '/nhap-tep');
  await page.setInputFiles('input[type=file]', file);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/nhap-tep"] button[type=submit]')]);
  assert.match(await page.textContent('#tom-tat-tep'), /^3 chỉ tiêu · /);
  assert.doesNotMatch(await page.textContent('#tom-tat-tep'), /0 nhiệm vụ/, 'no empty kind is counted');
  assert.equal(await page.textContent('form#xac-nhan button[type=submit]'), 'Lưu 3 chỉ tiêu');
  const rows = await page.$$eval('table#chi-tieu tbody tr', (els) => els.map((e) => e.textContent));
  assert.equal(rows.length, 3);
  assert.match(rows[0], /61,3[\s\S]*Các địa phương/, 'the figure as written, the group as the lead');
  assert.match(rows[1], /Đang triển khai \(chưa có số liệu\)/);
  assert.match(await page.textContent('main'), /dòng 3, cột "Kết quả thực hiện": "38 cơ quan" khác đơn vị với mục tiêu "100%"/);
  await page.screenshot({ path: join(shots, '67-xem-truoc-chi-tieu.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('form#xac-nhan button[type=submit]')]);
  await page.waitForSelector('.flash.ok');
  assert.match(await page.textContent('.flash.ok'), /chỉ tiêu: 3 mới, 0 đã có; 3 số liệu mới/);
  assert.doesNotMatch(await page.textContent('.flash.ok'), /nhiệm vụ mới/);
  await page.goto(app.base + '/chi-tieu');
  assert.match(await page.textContent('main'), /Tỷ lệ thủ tục có hồ sơ trực tuyến/);
  await ctx.close();
});
