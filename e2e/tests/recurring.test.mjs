// Recurring duties in a real browser: the plan's "Thường xuyên" tasks owe a report each month;
// some weeks later the dashboard counts the periodic reports apart, the task page lists each
// period with its state, the focal point's digest names the missing one; an e-mail the SMTP
// server did not take waits on the administrators' page with the server's answer.
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

const iso = (d) => d.toISOString().slice(0, 10);
const today = iso(new Date());
// Far enough ahead for the first whole month after the import to have passed.
const later = iso(new Date(Date.now() + 80 * 86400000));

test('periodic reports of recurring duties are counted apart, listed per period and reminded', async () => {
  const summary = JSON.parse(app.run(['report', 'summary', '--as-of', later]));
  const p = summary.periodic_reports;
  assert.ok(summary.lead_assignments.recurring > 0, 'the plan has recurring duties');
  assert.ok(p.missing > 0 && p.due >= p.missing, JSON.stringify(p));

  const oneTime = app.addUser('tt-dinh-ky', 'standing');
  const { ctx, page } = await app.firstSignIn('tt-dinh-ky', oneTime, 'mat-khau-dinh-ky-2026');
  await page.goto(base + '/?ngay=' + later);
  const cards = await page.$$eval('.cards.periodic .card', (els) => els.map((e) => [e.querySelector('.n').textContent, e.querySelector('.l').textContent]));
  assert.deepEqual(cards, [
    [String(p.due), 'Kỳ báo cáo định kỳ đã đến hạn'],
    [String(p.on_time), 'Báo cáo đúng hạn'],
    [String(p.late), 'Báo cáo muộn'],
    [String(p.missing), 'Quá hạn chưa báo cáo'],
  ]);
  assert.match(await page.textContent('p.apart'), new RegExp(summary.lead_assignments.recurring + ' nhiệm vụ thường xuyên'));
  await page.screenshot({ path: join(shots, '46-tong-quan-bao-cao-dinh-ky.png'), clip: { x: 0, y: 0, width: 1280, height: 520 } });

  // Bộ Công an's "Thường xuyên" duty (task 15 of the plan): each month is listed.
  await page.goto(base + '/nhiem-vu?q=' + encodeURIComponent('bí mật nhà nước, bảo vệ dữ liệu cá nhân'));
  const href = await page.getAttribute('table a[href^="/nhiem-vu/"]', 'href');
  await page.goto(base + href.split('?')[0] + '?ngay=' + later);
  assert.match(await page.textContent('main'), /Báo cáo định kỳ \(nhiệm vụ thường xuyên\)/);
  assert.match(await page.textContent('main'), /hằng tháng, hạn ngày cuối tháng \(chu kỳ báo cáo mặc định/);
  await page.screenshot({ path: join(shots, '47-nhiem-vu-bao-cao-dinh-ky.png'), fullPage: true });
  const missing = await page.$$eval('table.periodic .o-missing', (els) => els.length);
  assert.ok(missing > 0, 'a month without a report is missing');
  await page.screenshot({ path: join(shots, '47-nhiem-vu-bao-cao-dinh-ky.png'), fullPage: true });

  await ctx.close();

  // Bộ Công an's focal point hears of its missing periodic reports.
  const focal = app.addUser('dk-bca-dinh-ky', 'focal', 'BCA');
  const f = await app.firstSignIn('dk-bca-dinh-ky', focal, 'mat-khau-bca-2026');
  const out = JSON.parse(app.run(['remind', '--as-of', later, '--dry-run', '--format', 'json']));
  const mine = out.messages.find((m) => m.user === 'dk-bca-dinh-ky');
  assert.ok(mine, "Bộ Công an's digest");
  const periodic = mine.items.filter((i) => i.kind === 'periodic_missing');
  assert.ok(periodic.length > 0, 'the missing periodic reports are named');
  assert.ok(periodic.every((i) => i.agency === 'Bộ Công an' && i.days_late > 0));
  await f.page.goto(base + '/viec-can-xu-ly?ngay=' + later);
  const headings = await f.page.$$eval('.inbox h2', (els) => els.map((e) => e.textContent));
  assert.ok(headings.some((h) => h.startsWith('Báo cáo định kỳ quá hạn chưa gửi (' + periodic.length + ')')), headings.join(' | '));
  await f.page.screenshot({ path: join(shots, '48-viec-can-xu-ly-bao-cao-dinh-ky.png'), fullPage: true });
  await f.ctx.close();
});

test('an e-mail the SMTP server did not take waits on the administrators page', async () => {
  const focal = app.addUser('dk-btc-thu', 'focal', 'BTC');
  app.run(['users', 'set-email', 'dk-btc-thu', 'dau-moi-thu@mof.gov.vn']);
  // Nothing listens on port 9: the delivery fails and the e-mail stays queued.
  const out = JSON.parse(app.run(['remind', '--as-of', today, '--format', 'json', '--smtp-url', 'smtp://127.0.0.1:9']));
  assert.ok(out.delivery.failed >= 1, JSON.stringify(out.delivery));
  assert.ok(out.delivery.waiting.some((w) => w.username === 'dk-btc-thu'));

  const admin = app.addUser('qt-thu', 'admin');
  const { ctx, page } = await app.firstSignIn('qt-thu', admin, 'mat-khau-quan-tri-2026');
  await page.goto(base + '/');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/thu-cho-gui"]')]);
  const row = await page.$$eval('table.waiting-mail tbody tr', (els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)));
  const mine = row.find((r) => r[0] === 'dk-btc-thu');
  assert.ok(mine, 'the waiting e-mail is listed: ' + JSON.stringify(row));
  assert.equal(mine[1], 'dau-moi-thu@mof.gov.vn');
  assert.equal(mine[4], '1', 'one attempt');
  assert.match(mine[5], /giờ Việt Nam/);
  assert.ok(mine[6].length > 0, 'the server’s answer is shown');
  await page.screenshot({ path: join(shots, '49-thu-cho-gui.png'), fullPage: true });
  await ctx.close();

  // A focal point may not see it.
  const f = await app.firstSignIn('dk-btc-thu', focal, 'mat-khau-btc-thu-2026');
  const r = await f.page.goto(base + '/thu-cho-gui');
  assert.equal(r.status(), 403);
  await f.ctx.close();
});
