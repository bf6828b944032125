// The README's first command as a new user meets it: `tiendo serve --demo` on an empty working
// directory prints the demo accounts; a focal point signs in with the printed one-time password
// and finds its agency's tasks, the standing agency sees the whole data set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApp, shots } from '../lib/app.mjs';

let app;

before(async () => {
  app = await startApp({ demo: true });
});

after(async () => {
  await app?.stop();
});

function oneTimePassword(user) {
  const line = app.log().split('\n').find((l) => l.trim().startsWith(user + ' '));
  assert.ok(line, `the demo prints an account line for ${user}:\n${app.log()}`);
  const m = line.match(/mật khẩu dùng một lần: (\S+)/);
  assert.ok(m, `a one-time password for ${user}: ${line}`);
  return m[1];
}

test('the demo prints where to go and one account per role', () => {
  const log = app.log();
  assert.match(log, /Đã sinh bộ dữ liệu minh họa: 3000 nhiệm vụ/);
  assert.match(log, new RegExp('Mở ' + app.base.replace(/[.]/g, '\\.') + ' '));
  for (const [user, role] of [['admin', 'admin'], ['thuongtruc', 'standing'], ['lanhdao', 'leader'], ['dm.byt', 'focal'], ['dm.hanoi', 'focal'], ['xem', 'viewer'], ['tt.hanoi', 'standing'], ['dm.hn.stc', 'focal'], ['tt.danang', 'standing']]) {
    const line = log.split('\n').find((l) => l.trim().startsWith(user + ' '));
    assert.ok(line && line.includes(role), `${user} as ${role}`);
  }
});

test('a focal point signs in with the printed password and sees its own tasks', async () => {
  const s = await app.firstSignIn('dm.byt', oneTimePassword('dm.byt'), 'mat-khau-demo-2026');
  await s.page.goto(app.base + '/cua-toi');
  const text = await s.page.textContent('main');
  assert.match(text, /Bộ Y tế/);
  const rows = await s.page.locator('main table tbody tr').count();
  assert.ok(rows > 0, 'the generated data assigns tasks to Bộ Y tế');
  await s.page.screenshot({ path: join(shots, '40-demo-viec-cua-toi.png'), fullPage: false });
  await s.ctx.close();
});

test('the standing agency sees the dashboard of the whole data set', async () => {
  const s = await app.firstSignIn('thuongtruc', oneTimePassword('thuongtruc'), 'mat-khau-demo-2027');
  await s.page.goto(app.base + '/');
  const text = await s.page.textContent('main');
  assert.match(text, /Quá hạn/);
  await s.page.screenshot({ path: join(shots, '41-demo-tong-quan.png'), fullPage: true });
  await s.ctx.close();
});

test('a province\'s standing agency sees its own committee and what the Government gave it, on a phone and a laptop', async () => {
  const s = await app.firstSignIn('tt.hanoi', oneTimePassword('tt.hanoi'), 'mat-khau-demo-2028');
  for (const [label, viewport] of [['phone', { width: 390, height: 844 }], ['desk', { width: 1366, height: 768 }]]) {
    await s.page.setViewportSize(viewport);
    await s.page.goto(app.base + '/nhiem-vu?q=' + encodeURIComponent('hồ sơ'));
    const list = await s.page.textContent('main');
    // Hà Nội's own plan, never Đà Nẵng's.
    assert.match(list, /Số hóa hồ sơ địa chính/);
    assert.doesNotMatch(list, /phường không giấy tờ/);
    const wide = await s.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= viewport.width, `${label}: no sideways scrolling (${wide} px)`);
    await s.page.screenshot({ path: join(shots, `${label}-42-tinh-nhiem-vu.png`), fullPage: false });
    await s.page.goto(app.base + '/nhiem-vu?ban_chi_dao=BCD_DANANG');
    assert.match(await s.page.textContent('main'), /(^|\D)0 nhiệm vụ · trang/, 'nothing of another province');
  }
  // A national task assigned to Hà Nội is in its list, read-only.
  await s.page.goto(app.base + '/nhiem-vu');
  const rows = s.page.locator('main table tbody tr a[href^="/nhiem-vu/"]');
  const hrefs = await rows.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let received = null;
  for (const h of hrefs) {
    await s.page.goto(app.base + h);
    if ((await s.page.textContent('main')).includes('bạn chỉ được xem')) { received = h; break; }
  }
  assert.ok(received, 'a task the Government committee gave Hà Nội is listed');
  assert.equal(await s.page.locator('main form').count(), 0, 'no form on a received task');
  await s.page.setViewportSize({ width: 390, height: 844 });
  await s.page.screenshot({ path: join(shots, 'phone-43-tinh-nhiem-vu-nhan.png'), fullPage: false });
  await s.ctx.close();
});

test('the Government\'s standing agency sees every committee and drills down into a province\'s list', async () => {
  const s = await app.signIn('thuongtruc', 'mat-khau-demo-2027');
  for (const [label, viewport] of [['phone', { width: 390, height: 844 }], ['desk', { width: 1366, height: 768 }]]) {
    await s.page.setViewportSize(viewport);
    await s.page.goto(app.base + '/ban-chi-dao?sap_xep=open_overdue');
    const text = await s.page.textContent('main');
    for (const name of ['Ban Chỉ đạo thành phố Hà Nội', 'Ban Chỉ đạo thành phố Đà Nẵng', 'Ban Chỉ đạo của Chính phủ']) assert.ok(text.includes(name), `${label}: ${name}`);
    const wide = await s.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= viewport.width, `${label}: no sideways scrolling (${wide} px)`);
    await s.page.screenshot({ path: join(shots, `${label}-44-cac-ban-chi-dao.png`), fullPage: true });
  }
  const hanoi = s.page.locator('main tr', { hasText: 'Hà Nội' }).locator('a').first();
  await Promise.all([s.page.waitForNavigation(), hanoi.click()]);
  const list = await s.page.textContent('main');
  assert.match(list, /Nhiệm vụ của Ban Chỉ đạo thành phố Hà Nội \(chỉ xem\)/);
  assert.match(list, /Số hóa hồ sơ địa chính/);
  await s.page.screenshot({ path: join(shots, 'desk-45-ban-chi-dao-ha-noi.png'), fullPage: false });
  await s.ctx.close();
});
