// Leaders act, in a real browser: a leader on a phone asks Bộ Tài chính for an explanation on a
// late task; the agency's focal point finds it in "Việc cần xử lý" and answers it on the task
// page; the leader reads the answer. A deadline request is refused with its reason, which the
// agency reads. Screenshots: leaders-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, shots } from '../lib/app.mjs';

let app, leader, focal, standing;

before(async () => {
  app = await startApp();
  await (await app.firstSignIn('admin', app.adminPassword, 'mat-khau-e2e-2026')).ctx.close();
  leader = await app.firstSignIn('lanh-dao', app.addUser('lanh-dao', 'leader'), 'mat-khau-ld-2026');
  focal = await app.firstSignIn('dau-moi-btc', app.addUser('dau-moi-btc', 'focal', 'BTC'), 'mat-khau-btc-2026');
  standing = await app.firstSignIn('thuong-truc', app.addUser('thuong-truc', 'standing'), 'mat-khau-tt-2026');
});

after(async () => {
  for (const s of [leader, focal, standing]) await s?.ctx.close();
  await app?.stop();
});

test('a leader asks for an explanation on a phone; the agency answers it from its inbox', async () => {
  const p = leader.page;
  await p.setViewportSize({ width: 390, height: 844 });
  // Task 4 of the appendix: Bộ Tài chính, "Trong tháng 02/2026" — late.
  await p.goto(app.base + '/nhiem-vu/4');
  await p.selectOption('#cho-y-kien select[name=kind]', 'explanation');
  await p.selectOption('#cho-y-kien select[name=agency]', 'BTC');
  await p.fill('#cho-y-kien textarea[name=text]', 'Đề nghị giải trình lý do chưa trình Nghị định <đúng hạn>');
  await Promise.all([p.waitForNavigation(), p.click('#cho-y-kien button[type=submit]')]);
  assert.match(await p.textContent('.flash'), /Đã gửi yêu cầu giải trình/);
  assert.match(await p.textContent('table.directions'), /Yêu cầu giải trình.*Bộ Tài chính.*<đúng hạn>/s);
  await p.screenshot({ path: join(shots, 'leaders-1-lanh-dao-dien-thoai.png'), fullPage: true });

  const f = focal.page;
  await f.goto(app.base + '/viec-can-xu-ly');
  const inbox = await f.textContent('main');
  assert.match(inbox, /Ý kiến chỉ đạo, yêu cầu giải trình chờ cơ quan trả lời/);
  assert.match(inbox, /Yêu cầu giải trình của lanh-dao ngày \d{2}\/\d{2}\/\d{4}: Đề nghị giải trình lý do chưa trình Nghị định <đúng hạn>/);
  await f.screenshot({ path: join(shots, 'leaders-2-viec-can-xu-ly.png'), fullPage: true });
  await Promise.all([f.waitForNavigation(), f.click('main .inbox a[href^="/nhiem-vu/4"]')]);
  await f.fill('form.answer textarea[name=answer]', 'Dự thảo đang chờ ý kiến thẩm định của Bộ Tư pháp; trình trong tháng 12.');
  await Promise.all([f.waitForNavigation(), f.click('form.answer button[type=submit]')]);
  assert.match(await f.textContent('.flash'), /Đã gửi trả lời/);
  await f.goto(app.base + '/viec-can-xu-ly');
  assert.doesNotMatch(await f.textContent('main'), /Yêu cầu giải trình của lanh-dao/, 'answered, it leaves the inbox');

  await p.goto(app.base + '/nhiem-vu/4');
  assert.match(await p.textContent('table.directions'), /chờ ý kiến thẩm định của Bộ Tư pháp/);
  assert.match(await p.textContent('table.history'), /Bộ Tài chính giải trình: “Dự thảo đang chờ/);
  await p.screenshot({ path: join(shots, 'leaders-3-da-giai-trinh.png'), fullPage: true });
});

test('a deadline request is refused with its reason, which the agency reads', async () => {
  const f = focal.page;
  await f.goto(app.base + '/nhiem-vu/4');
  await f.fill('form[action$="/gia-han"] input[name=deadline]', '31/12/2099');
  await f.fill('form[action$="/gia-han"] textarea[name=reason]', 'Chờ thẩm định');
  await Promise.all([f.waitForNavigation(), f.click('form[action$="/gia-han"] button[type=submit]')]);
  const s = standing.page;
  await s.setViewportSize({ width: 1366, height: 768 });
  await s.goto(app.base + '/nhiem-vu/4');
  await s.fill('form.refuse input[name=note]', 'Thời hạn đề nghị quá xa; đề nghị lộ trình cụ thể');
  await Promise.all([s.waitForNavigation(), s.click('form.refuse button[type=submit]')]);
  assert.match(await s.textContent('.flash'), /Đã từ chối/);
  await f.goto(app.base + '/viec-can-xu-ly');
  assert.match(await f.textContent('main'), /Lý do: Thời hạn đề nghị quá xa; đề nghị lộ trình cụ thể/);
  await f.goto(app.base + '/nhiem-vu/4');
  assert.match(await f.textContent('main'), /Không chấp thuận\s*Lý do: Thời hạn đề nghị quá xa/);
  await f.screenshot({ path: join(shots, 'leaders-4-tu-choi-co-ly-do.png'), fullPage: true });
});
