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
  for (const [user, role] of [['admin', 'admin'], ['thuongtruc', 'standing'], ['lanhdao', 'leader'], ['dm.byt', 'focal'], ['dm.hanoi', 'focal'], ['xem', 'viewer']]) {
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
