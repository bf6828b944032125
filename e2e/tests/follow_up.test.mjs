// The standing agency's follow-up in a real browser: editing a task (a refused value comes back
// on the form), a difficulty forwarded to another agency and answered there, reassigning a task,
// the registry, report downloads, the ranking, a meeting and its pack. Screenshots of every page
// go to e2e/screenshots/ (not committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, shots } from '../lib/app.mjs';

let app, base;
const shot = (page, name) => page.screenshot({ path: join(shots, name), fullPage: true });

before(async () => {
  app = await startApp();
  base = app.base;
  const admin = await app.firstSignIn('admin', app.adminPassword, 'mat-khau-quan-tri-1');
  await admin.ctx.close();
});

after(async () => {
  await app?.stop();
});

/// Downloads what a click starts; returns the file's name and bytes.
async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

test('the standing agency edits a task: a refused value is explained, a good one is saved', async () => {
  const { ctx, page } = await app.firstSignIn('thuong-truc', app.addUser('thuong-truc', 'standing'), 'mat-khau-tt-2026');
  await page.goto(base + '/nhiem-vu/4');
  await Promise.all([page.waitForNavigation(), page.click('text=Sửa nhiệm vụ')]);
  assert.match(page.url(), /\/nhiem-vu\/4\/sua$/);
  await shot(page, '20-sua-nhiem-vu.png');
  await page.fill('input[name=new_deadline]', '31/2/2026');
  await page.fill('textarea[name=reason]', 'Chờ ý kiến Bộ Tư pháp');
  await Promise.all([page.waitForNavigation(), page.click('form.edit button[type=submit]')]);
  assert.match(await page.textContent('.flash.error'), /Thời hạn mới không đọc được/);
  assert.equal(await page.inputValue('input[name=new_deadline]'), '31/2/2026', 'what was typed stays');
  await shot(page, '21-sua-nhiem-vu-loi.png');
  await page.fill('input[name=new_deadline]', '30/9/2099');
  await page.fill('input[name=overseer]', 'Phó Thủ tướng Nguyễn Chí Dũng');
  await Promise.all([page.waitForNavigation(), page.click('form.edit button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /Đã lưu thay đổi/);
  const main = await page.textContent('main');
  assert.match(main, /Phó Thủ tướng Nguyễn Chí Dũng/);
  assert.match(main, /Chờ ý kiến Bộ Tư pháp/);
  assert.match(main, /30\/09\/2099/);
  await page.goto(base + '/nhiem-vu');
  await page.selectOption('select[name=lanh_dao]', 'Phó Thủ tướng Nguyễn Chí Dũng');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
  assert.match(await page.textContent('p.muted'), /^1 nhiệm vụ/);
  await ctx.close();
});

test('a difficulty is forwarded to Bộ Tư pháp and answered there; then the task is reassigned', async () => {
  const btc = await app.firstSignIn('dau-moi-btc', app.addUser('dau-moi-btc', 'focal', 'BTC'), 'mat-khau-btc-2026');
  await btc.page.goto(base + '/nhiem-vu/4');
  await btc.page.fill('form[action$="/kho-khan"] textarea[name=text]', 'Chưa có hướng dẫn định dạng dữ liệu');
  await Promise.all([btc.page.waitForNavigation(), btc.page.click('form[action$="/kho-khan"] button[type=submit]')]);
  assert.match(await btc.page.textContent('.flash'), /Đã gửi khó khăn/);
  await btc.page.goto(base + '/cua-toi');
  await shot(btc.page, '22-viec-cua-toi.png');
  await btc.ctx.close();

  const tt = await app.signIn('thuong-truc', 'mat-khau-tt-2026');
  await tt.page.goto(base + '/nhiem-vu/4');
  await tt.page.selectOption('form[action$="/chuyen"] select[name=handler]', 'BTP');
  const due = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10);
  await tt.page.fill('form[action$="/chuyen"] input[name=answer_due]', due);
  await Promise.all([tt.page.waitForNavigation(), tt.page.click('form[action$="/chuyen"] button[type=submit]')]);
  assert.match(await tt.page.textContent('.flash'), /Đã chuyển khó khăn/);

  const btp = await app.firstSignIn('dau-moi-btp', app.addUser('dau-moi-btp', 'focal', 'BTP'), 'mat-khau-btp-2026');
  await btp.page.goto(base + '/kho-khan');
  assert.match(await btp.page.textContent('main'), /Chưa có hướng dẫn định dạng dữ liệu/);
  await shot(btp.page, '23-kho-khan-co-quan-xu-ly.png');
  await btp.page.fill('form[action$="/tra-loi"] textarea[name=answer]', 'Áp dụng Thông tư số 12/2026/TT-BTP');
  await Promise.all([btp.page.waitForNavigation(), btp.page.click('form[action$="/tra-loi"] button[type=submit]')]);
  assert.match(await btp.page.textContent('.flash'), /Đã trả lời/);
  assert.match(await btp.page.textContent('main'), /Áp dụng Thông tư số 12\/2026\/TT-BTP/);
  await btp.ctx.close();

  // The standing agency moves the task from Bộ Tài chính to Bộ Công an from today.
  await tt.page.goto(base + '/nhiem-vu/4');
  await tt.page.selectOption('form[action$="/giao"] select[name=agency]', 'BCA');
  await tt.page.selectOption('form[action$="/giao"] select[name=replacing]', { label: 'Bộ Tài chính — chủ trì' });
  await tt.page.fill('form[action$="/giao"] textarea[name=reason]', 'Theo Quyết định phân công lại');
  await Promise.all([tt.page.waitForNavigation(), tt.page.click('form[action$="/giao"] button[type=submit]')]);
  assert.match(await tt.page.textContent('.flash'), /Đã chuyển giao/);
  const main = await tt.page.textContent('main');
  assert.match(main, /Phân công đã kết thúc/);
  assert.match(main, /Bộ Công an/);
  await shot(tt.page, '24-chuyen-giao.png');
  await tt.page.goto(base + '/kho-khan?tinh_trang=answered');
  await shot(tt.page, '25-kho-khan.png');
  await tt.ctx.close();
});

test('the registry: an agency edited with its head, a spelling added', async () => {
  const { ctx, page } = await app.signIn('thuong-truc', 'mat-khau-tt-2026');
  await page.goto(base + '/co-quan/BCA/sua');
  await page.fill('input[name=head_name]', 'Đại tướng Lương Tam Quang');
  await shot(page, '26-sua-co-quan.png');
  await Promise.all([page.waitForNavigation(), page.click('form.box button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /Đã lưu thông tin cơ quan/);
  assert.match(await page.textContent('main'), /Đại tướng Lương Tam Quang/);
  await page.goto(base + '/co-quan/moi');
  await page.fill('input[name=code]', 'SO_TT');
  await page.fill('input[name=name]', 'Sở Thử nghiệm');
  await page.fill('input[name=valid_from]', '2026-07-01');
  await page.fill('input[name=valid_to]', '2025-07-01');
  await Promise.all([page.waitForNavigation(), page.click('form.box button[type=submit]')]);
  assert.match(await page.textContent('.flash.error'), /hết hiệu lực trước ngày có hiệu lực/);
  assert.equal(await page.inputValue('input[name=name]'), 'Sở Thử nghiệm', 'what was typed stays');
  await shot(page, '27-them-co-quan-loi.png');
  await page.goto(base + '/co-quan?q=cong+an');
  await shot(page, '28-co-quan.png');
  await ctx.close();
});

test('reports download as Word and Excel; the ranking; a meeting and its pack', async () => {
  const { ctx, page } = await app.signIn('thuong-truc', 'mat-khau-tt-2026');
  await page.goto(base + '/bao-cao');
  await shot(page, '29-bao-cao.png');
  const first = page.locator('form.box').first();
  await first.locator('input[name=ngay]').fill('2026-05-20');
  const word = await download(page, () => first.locator('button', { hasText: 'Tải Word' }).click());
  assert.equal(word.name, 'nhiem-vu-qua-han-2026-05-20.docx');
  assert.equal(word.bytes.subarray(0, 2).toString(), 'PK');
  const excel = await download(page, () => first.locator('button', { hasText: 'Tải Excel' }).click());
  assert.match(excel.name, /\.xlsx$/);

  await page.goto(base + '/xep-hang?thang=2026-05');
  assert.match(await page.textContent('h1'), /tháng 5\/2026/);
  const rows = await page.$$eval('table.ranking tbody tr', (els) => els.length);
  assert.ok(rows > 10, 'the agencies of the plan are scored');
  // The formula for people: a Vietnamese table and one agency worked out; no file shown raw.
  assert.equal(await page.locator('pre.formula').count(), 0, 'the TOML is a download, not the page');
  assert.match(await page.textContent('table.formula-table'), /Hoàn thành đúng hạn[\s\S]*Báo cáo tiến độ đúng hạn/);
  assert.match(await page.textContent('main'), /gửi đến hết ngày 25/);
  assert.match(await page.textContent('#vi-du-tinh-diem'), /Ví dụ — .*→.*Điểm: \d+,\d\d/s);
  const toml = await page.evaluate(async (href) => (await fetch(href)).text(),
    await page.getAttribute('a[href^="/xep-hang/cach-tinh.toml"]', 'href'));
  assert.match(toml, /report_day = 25/, 'the published file stays a download');
  const head = await page.textContent('table.ranking thead');
  assert.match(head, /Hạng trong nhóm/);
  assert.match(head, /Chỉ tiêu đạt/);
  assert.match(await page.textContent('main'), /Điểm của lãnh đạo phụ trách/);
  assert.match(await page.textContent('main'), /cùng hạng/, 'the tie-break is stated');
  await shot(page, '30-xep-hang.png');
  // A month before any deadline: said so, nobody ranked first.
  await page.goto(base + '/xep-hang?thang=2020-01');
  assert.match(await page.textContent('main'), /không xếp hạng/);
  const firsts = await page.$$eval('table.ranking tbody tr td:first-child', (els) => els.filter((e) => e.textContent.trim() !== '').length);
  assert.equal(firsts, 0);

  await page.goto(base + '/phien-hop');
  await page.fill('form[action="/phien-hop"] input[name=name]', 'Phiên họp lần thứ năm');
  await page.fill('form[action="/phien-hop"] input[name=held_on]', '2025-11-15');
  await page.fill('form[action="/phien-hop"] input[name=documents]', 'plan-2026-appendix-2, 624/TB-VPCP');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/phien-hop"] button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /Đã ghi phiên họp/);
  assert.match(await page.textContent('main'), /98/);
  await shot(page, '31-phien-hop.png');
  const pack = await download(page, () => page.click('form[action$="/tai-lieu"] button[type=submit]'));
  assert.match(pack.name, /^tai-lieu-phien-hop-\d+-\d{4}-\d{2}-\d{2}\.docx$/);
  assert.equal(pack.bytes.subarray(0, 2).toString(), 'PK');
  await ctx.close();

  const admin = await app.signIn('admin', 'mat-khau-quan-tri-1');
  await admin.page.goto(base + '/nhat-ky');
  assert.match(await admin.page.textContent('main'), /Ghi phiên họp/);
  await shot(admin.page, '32-nhat-ky.png');
  await admin.ctx.close();
});
