// The web application in a real browser: log-in with the first administrator's one-time password,
// the forced password change, the dashboard and its chart, diacritics-free search, a task page,
// keyboard access. Screenshots go to e2e/screenshots/ (not committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, shots, axeViolations } from '../lib/app.mjs';

let app, base, adminPassword, browser;

before(async () => {
  app = await startApp();
  ({ base, adminPassword, browser } = app);
});

after(async () => {
  await app?.stop();
});

test('the first administrator logs in, changes the one-time password and sees the dashboard', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  assert.match(page.url(), /\/dang-nhap/);
  await page.screenshot({ path: join(shots, '01-dang-nhap.png') });
  await page.fill('#username', 'admin');
  await page.fill('#password', 'sai-mat-khau');
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  assert.match(await page.textContent('.error'), /không đúng/);
  await page.fill('#password', adminPassword);
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  assert.match(page.url(), /\/tai-khoan\/mat-khau/);
  await page.screenshot({ path: join(shots, '02-doi-mat-khau.png') });
  await page.fill('#current', adminPassword);
  await page.fill('#new', 'mat-khau-e2e-2026');
  await page.fill('#again', 'mat-khau-e2e-2026');
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'mat-khau-e2e-2026');
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  await page.goto(base + '/?ngay=2026-05-20&han=30');
  assert.equal(await page.textContent('h1'), 'Tổng quan');
  // The four-way counts of lead assignments; the periodic reports of recurring duties are apart.
  const cards = await page.$$eval('.cards:not(.periodic) .card .n', (els) => els.map((e) => Number(e.textContent)));
  assert.deepEqual(cards.length, 4);
  assert.equal(await page.$$eval('.cards.periodic .card', (els) => els.length), 4);
  assert.equal(cards[3], 180, 'lead assignments overdue on 20/05/2026');
  const bars = await page.$$eval('ol.late-bars li', (els) => els.map((li) => ({
    name: li.querySelector('.name').textContent, n: Number(li.querySelector('.n').textContent), href: li.querySelector('a').getAttribute('href'),
  })));
  assert.ok(bars.length > 0 && bars.length <= 15, 'the chart of late tasks by agency');
  assert.ok(bars.some((b) => b.name === 'Bộ Công an'));
  assert.equal(bars.reduce((sum, b) => sum + b.n, 0) <= cards[3], true, 'the bars count lead assignments overdue');
  await page.screenshot({ path: join(shots, '03-tong-quan.png'), fullPage: true });
  // Each bar opens the list of the tasks behind it: that agency's lead assignments overdue on the
  // day, as many as the bar says, every one shown overdue.
  for (const bar of [bars[0], bars[bars.length - 1]]) {
    await Promise.all([page.waitForNavigation(), page.click(`ol.late-bars a[href="${bar.href}"]`)]);
    assert.match(await page.textContent('main'), new RegExp(`Nhiệm vụ do ${bar.name} chủ trì`));
    assert.match(await page.textContent('main'), new RegExp(`${bar.n} nhiệm vụ · trang`), `${bar.name}: the list holds the bar's ${bar.n} tasks`);
    const badges = await page.$$eval('tbody tr td:last-child', (els) => els.map((e) => e.textContent.trim()));
    assert.equal(badges.length, Math.min(bar.n, 50));
    assert.ok(badges.every((b) => b === 'Quá hạn chưa hoàn thành'), badges.join(', '));
    assert.equal(await page.inputValue('select[name=vai_tro]'), 'chu_tri', 'the filter shows what was chosen');
    await page.goBack();
  }

  // Search without diacritics, then open a task.
  await page.goto(base + '/nhiem-vu?ngay=2026-05-20');
  await page.fill('input[name=q]', 'chuyen doi so');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
  assert.match(page.url(), /q=chuyen\+doi\+so/, 'the filter is a link that can be shared');
  const rows = await page.$$eval('tbody tr', (els) => els.length);
  assert.ok(rows > 0);
  for (const name of await page.$$eval('tbody tr td:nth-child(2) a', (els) => els.map((e) => e.textContent))) {
    assert.match(name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').toLowerCase(), /chuyen doi so/);
  }
  await page.screenshot({ path: join(shots, '04-tim-kiem.png'), fullPage: true });
  await page.goto(base + '/nhiem-vu?trang_thai=qua_han&ngay=2026-05-20');
  assert.match(await page.textContent('p.muted'), /^20 nhiệm vụ/);
  await Promise.all([page.waitForNavigation(), page.click('tbody tr:first-child td:nth-child(2) a')]);
  assert.match(await page.textContent('main'), /Quá hạn chưa hoàn thành/);
  await page.screenshot({ path: join(shots, '05-nhiem-vu.png'), fullPage: true });

  // The keyboard reaches the skip link first.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Bỏ qua điều hướng');
  await ctx.close();
});

const addUser = (name, role, agency) => app.addUser(name, role, agency);
const signIn = (user, oneTime, newPassword) => app.firstSignIn(user, oneTime, newPassword);

test("an agency's focal point reports and asks for time; the standing agency approves", async () => {
  const focal = await signIn('dau-moi-btc', addUser('dau-moi-btc', 'focal', 'BTC'), 'mat-khau-btc-2026');
  const p = focal.page;
  // Task 4 of the appendix: Bộ Tài chính, "Trong tháng 02/2026" — late.
  await p.goto(base + '/nhiem-vu/4');
  assert.match(await p.textContent('main'), /Quá hạn chưa hoàn thành/);
  await p.selectOption('form[action$="/bao-cao"] select[name=status]', 'in_progress');
  await p.fill('form[action$="/bao-cao"] textarea[name=text]', 'Đã gửi dự thảo Nghị định xin ý kiến các bộ');
  await Promise.all([p.waitForNavigation(), p.click('form[action$="/bao-cao"] button[type=submit]')]);
  assert.match(await p.textContent('.flash'), /Đã ghi báo cáo tiến độ/);
  assert.match(await p.textContent('main'), /Đã gửi dự thảo Nghị định xin ý kiến các bộ/);
  await p.fill('form[action$="/gia-han"] input[name=deadline]', '31/12/2099');
  await p.fill('form[action$="/gia-han"] textarea[name=reason]', 'Chờ ý kiến thẩm định của Bộ Tư pháp');
  await Promise.all([p.waitForNavigation(), p.click('form[action$="/gia-han"] button[type=submit]')]);
  assert.match(await p.textContent('.flash'), /chờ cơ quan thường trực xem xét/);
  await p.screenshot({ path: join(shots, '06-dau-moi-bao-cao.png'), fullPage: true });
  await focal.ctx.close();

  const standing = await signIn('thuong-truc', addUser('thuong-truc', 'standing'), 'mat-khau-tt-2026');
  const s = standing.page;
  await s.goto(base + '/nhiem-vu/4');
  assert.match(await s.textContent('main'), /Chờ ý kiến thẩm định của Bộ Tư pháp/);
  // The history reads as sentences, at Vietnam's time, never the stored codes.
  const history = await s.$$eval('table.history tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent.trim())));
  assert.ok(history.some(([, who, what]) => who === 'dau-moi-btc' && what.startsWith('Bộ Tài chính báo cáo: Đang thực hiện (ngày báo cáo ')), JSON.stringify(history));
  assert.ok(history.some(([, , what]) => what === 'Bộ Tài chính đề nghị điều chỉnh thời hạn thành “31/12/2099”. Lý do: Chờ ý kiến thẩm định của Bộ Tư pháp'), JSON.stringify(history));
  assert.ok(history.every(([when]) => /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(when)), JSON.stringify(history));
  const shown = await s.textContent('table.history');
  assert.doesNotMatch(shown, /assignment:|in_progress|\{"|G_BO_NGANH/);
  await s.screenshot({ path: join(shots, '07-cho-duyet.png'), fullPage: true });
  await Promise.all([s.waitForNavigation(), s.click('form[action$="/duyet"] button')]);
  assert.match(await s.textContent('.flash'), /Đã duyệt điều chỉnh thời hạn/);
  const status = await s.textContent('table tbody tr:first-child td:nth-child(4)');
  assert.match(status, /Đang thực hiện trong hạn/, 'the new deadline is in force');
  assert.match(await s.textContent('main'), /31\/12\/2099/);
  await s.screenshot({ path: join(shots, '08-da-duyet.png'), fullPage: true });
  await standing.ctx.close();
});

const signInAgain = (user, password) => app.signIn(user, password);

test('a reported completion is confirmed by the standing agency', async () => {
  const focal = await signIn('dau-moi-bca', addUser('dau-moi-bca', 'focal', 'BCA'), 'mat-khau-bca-2026');
  const p = focal.page;
  await p.goto(base + '/cua-toi');
  assert.match(await p.textContent('h1'), /Bộ Công an/);
  // Task 11 of the appendix: Bộ Công an, Quý I/2026.
  await p.goto(base + '/nhiem-vu/11');
  await p.selectOption('form[action$="/bao-cao"] select[name=status]', 'done');
  await p.fill('form[action$="/bao-cao"] textarea[name=text]', 'Chính phủ đã ban hành Nghị quyết');
  await Promise.all([p.waitForNavigation(), p.click('form[action$="/bao-cao"] button[type=submit]')]);
  assert.match(await p.textContent('.flash'), /Đã ghi báo cáo tiến độ/);
  await focal.ctx.close();

  const standing = await signInAgain('thuong-truc', 'mat-khau-tt-2026');
  const s = standing.page;
  await s.goto(base + '/nhiem-vu/11');
  assert.match(await s.textContent('main'), /Báo cáo hoàn thành chờ xác nhận/);
  await Promise.all([s.waitForNavigation(), s.click('form[action$="/xac-nhan"] button')]);
  assert.match(await s.textContent('.flash'), /Đã xác nhận hoàn thành/);
  assert.match(await s.textContent('main'), /Đã xác nhận/);
  assert.match(await s.textContent('table tbody tr:first-child td:nth-child(4)'), /Đã hoàn thành quá hạn/, 'done after 31/03/2026');
  await s.screenshot({ path: join(shots, '09-xac-nhan.png'), fullPage: true });
  await standing.ctx.close();
});

test('the standing agency imports a file: upload, preview with warnings, confirm', async () => {
  const { writeFileSync } = await import('node:fs');
  const csv = join(app.dir, 'ke-hoach-bo-sung.csv');
  writeFileSync(csv, 'STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Số hóa hồ sơ đất đai;Bộ Nông nghiệp và Môi trường;Quý III/2026\n2;Kết nối dữ liệu hộ tịch;Cơ quan, đơn vị liên quan;Theo kế hoạch\n');
  const { ctx, page } = await signInAgain('admin', 'mat-khau-e2e-2026');
  await page.goto(base + '/nhap-tep');
  await page.setInputFiles('input[type=file]', csv);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/nhap-tep"] button[type=submit]')]);
  const text = await page.textContent('main');
  assert.match(text, /2 nhiệm vụ/);
  assert.match(text, /Cảnh báo/);
  assert.match(text, /chưa xác định được cơ quan chủ trì/);
  await page.screenshot({ path: join(shots, '10-xem-truoc.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'the import preview: no serious accessibility violation');
  await Promise.all([page.waitForNavigation(), page.click('form#xac-nhan button[type=submit]')]);
  assert.match(await page.textContent('.flash'), /2 nhiệm vụ mới/);
  await page.goto(base + '/nhiem-vu?q=dat+dai');
  assert.match(await page.textContent('main'), /Số hóa hồ sơ đất đai/);
  await ctx.close();
});

test('every date field reads and writes day/month/year, even in an English-language browser', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'America/New_York' });
  const page = await ctx.newPage();
  await page.goto(base + '/dang-nhap');
  await page.fill('#username', 'admin');
  await page.fill('#password', 'mat-khau-e2e-2026');
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  const pages = ['/', '/nhiem-vu', '/nhiem-vu/4', '/bao-cao', '/chi-tieu', '/chi-tieu/bang-diem', '/viec-can-xu-ly', '/nhap-tep', '/co-quan/moi'];
  for (const path of pages) {
    await page.goto(base + path);
    assert.equal(await page.$$eval('input[type=date]', (els) => els.length), 0, path + ': no browser date picker in the browser\'s own order');
    const values = await page.$$eval('input.date', (els) => els.map((e) => e.value));
    for (const v of values) assert.match(v, /^(\d{2}\/\d{2}\/\d{4})?$/, path + ': ' + v);
  }
  await page.goto(base + '/');
  assert.match(await page.inputValue('input[name=ngay]'), /^\d{2}\/\d{2}\/\d{4}$/);
  // The task list filtered by due dates typed as Vietnamese write them.
  await page.goto(base + '/nhiem-vu');
  const all = await page.textContent('main');
  const total = Number(all.match(/(\d+) nhiệm vụ · trang/)[1]);
  await page.fill('input[name=tu]', '01/01/2026');
  await page.fill('input[name=den]', '31/03/2026');
  await page.fill('input[name=ngay]', '15/02/2026');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
  assert.equal(await page.inputValue('input[name=tu]'), '01/01/2026', 'what was typed stays as typed');
  assert.equal(await page.inputValue('input[name=den]'), '31/03/2026');
  const filtered = await page.textContent('main');
  const shown = Number(filtered.match(/(\d+) nhiệm vụ · trang/)[1]);
  assert.ok(shown > 0 && shown < total, `due in the first quarter: ${shown} of ${total}`);
  assert.match(filtered, /tình trạng tính đến ngày 15\/02\/2026/);
  await page.screenshot({ path: join(shots, '67-ngay-thang-nam.png'), fullPage: true });
  await ctx.close();
});

test('the task list: headings found without case or diacritics, recurring and undated tasks apart; the dashboard lists a task due soon once', async () => {
  const { ctx, page } = await signInAgain('admin', 'mat-khau-e2e-2026');
  const count = async (query) => {
    await page.goto(base + '/nhiem-vu?' + query);
    return Number((await page.textContent('main')).match(/(\d+) nhiệm vụ · trang/)[1]);
  };
  const written = await count('muc=' + encodeURIComponent('PHÁT TRIỂN KHOA HỌC'));
  assert.ok(written > 0, 'a heading as written');
  assert.equal(await count('muc=phat+trien+khoa+hoc'), written, 'the same without case or diacritics');
  assert.equal(await count('muc=khong+co+muc+nay'), 0);
  // "Thường xuyên" tasks, and those without a fixed deadline, each have their own choice.
  const options = await page.$$eval('select[name=trang_thai] option', (els) => els.map((e) => e.textContent));
  assert.ok(options.includes('Nhiệm vụ thường xuyên') && options.includes('Chưa xác định thời hạn'), options.join(', '));
  assert.ok(await count('trang_thai=thuong_xuyen&ngay=2026-02-15') > 0);
  const badges = await page.$$eval('table tbody td:last-child .badge', (els) => [...new Set(els.map((e) => e.textContent))]);
  assert.deepEqual(badges, ['Thường xuyên']);
  await page.screenshot({ path: join(shots, '68-thuong-xuyen.png'), fullPage: true });
  // Due within 120 days of 15/02/2026: each task once, its agencies together.
  await page.goto(base + '/?ngay=15/02/2026&han=120');
  const links = await page.$$eval('h2:has-text("Sắp đến hạn") + table tbody a', (els) => els.map((e) => e.getAttribute('href')));
  assert.ok(links.length > 0);
  assert.equal(new Set(links).size, links.length, 'a task due soon is listed once');
  await ctx.close();
});

test('a refused progress report comes back with what was typed and the message beside the field', async () => {
  const { writeFileSync } = await import('node:fs');
  const fake = join(app.dir, 'bao-cao.pdf');
  writeFileSync(fake, 'MZ not a pdf at all');
  const { ctx, page } = await signInAgain('dau-moi-btc', 'mat-khau-btc-2026');
  await page.goto(base + '/nhiem-vu/4');
  const long = 'Bộ Tài chính đã hoàn thiện dự thảo, lấy ý kiến các bộ, ngành và địa phương; '.repeat(8).trim();
  assert.ok(long.length >= 600, String(long.length));
  await page.selectOption('form[action$="/bao-cao"] select[name=status]', 'done');
  await page.fill('form[action$="/bao-cao"] input[name=completed_on]', '31/02/2026');
  await page.fill('form[action$="/bao-cao"] textarea[name=text]', long);
  await page.setInputFiles('form[action$="/bao-cao"] input[name=evidence]', fake);
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/bao-cao"] button[type=submit]')]);
  // The date cannot be read: the form again, everything typed kept, the message at the date.
  assert.equal(await page.inputValue('form[action$="/bao-cao"] textarea[name=text]'), long);
  assert.equal(await page.inputValue('form[action$="/bao-cao"] select[name=status]'), 'done');
  assert.equal(await page.inputValue('form[action$="/bao-cao"] input[name=completed_on]'), '31/02/2026');
  const dateLabel = await page.textContent('form[action$="/bao-cao"] label:has(input[name=completed_on])');
  assert.match(dateLabel, /Ngày/);
  assert.ok(await page.$('form[action$="/bao-cao"] label:has(input[name=completed_on]) .field-error'), 'the message beside the date');
  assert.match(await page.textContent('form[action$="/bao-cao"] label:has(input[name=evidence])'), /hãy chọn lại tệp minh chứng/);
  await page.screenshot({ path: join(shots, '69-bao-cao-bi-tu-choi.png'), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], 'a refused form: no serious accessibility violation');
  // The date mended and the file chosen again (still not a PDF): the message now at the file.
  await page.fill('form[action$="/bao-cao"] input[name=completed_on]', '20/02/2026');
  await page.setInputFiles('form[action$="/bao-cao"] input[name=evidence]', fake);
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/bao-cao"] button[type=submit]')]);
  assert.equal(await page.inputValue('form[action$="/bao-cao"] textarea[name=text]'), long);
  assert.match(await page.textContent('form[action$="/bao-cao"] label:has(input[name=evidence])'), /Tệp này không dùng được; hãy chọn lại/);
  await ctx.close();
});
