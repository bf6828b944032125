// Every page on a phone (390×844) and on a laptop (1366×768): nothing wider than the screen, the
// header (with the log-out button) within it, wide tables read as stacked cards, forms in one
// column, and no serious or critical accessibility violation (axe-core) at either width. Screenshots of both widths go to e2e/screenshots/phone-*.png and desk-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startApp, shots, samples, axeViolations } from '../lib/app.mjs';

let app, admin, focal;

before(async () => {
  app = await startApp();
  const year = new Date().getFullYear();
  writeFileSync(join(app.dir, 'tinh.csv'), 'STT;Tỉnh, thành phố;Tỷ lệ hồ sơ trực tuyến toàn trình (%) (mục tiêu: 80%)\n'
    + '1;Thành phố Hà Nội;91%\n2;Tỉnh Lạng Sơn;55%\n3;Tỉnh Cao Bằng;42%\n');
  app.run(['import', join(app.dir, 'tinh.csv'), '--reported-on', `${year}-01-15`]);
  admin = await app.firstSignIn('admin', app.adminPassword, 'mat-khau-e2e-2026');
  const pw = app.addUser('dm.byt', 'focal', 'BYT');
  focal = await app.firstSignIn('dm.byt', pw, 'mat-khau-dm-2026');
});

after(async () => {
  await admin?.ctx.close();
  await focal?.ctx.close();
  await app?.stop();
});

const pages = [
  ['tong-quan', '/?ngay=2026-05-20'],
  ['viec-can-xu-ly', '/viec-can-xu-ly'],
  ['nhiem-vu', '/nhiem-vu?ngay=2026-05-20'],
  ['nhiem-vu-1', '/nhiem-vu/1'],
  ['sua-nhiem-vu', '/nhiem-vu/1/sua'],
  ['tao-nhiem-vu', '/nhiem-vu/moi'],
  ['kho-khan', '/kho-khan'],
  ['chi-tieu', '/chi-tieu'],
  ['chi-tieu-1', '/chi-tieu/1'],
  ['bang-diem', '/chi-tieu/bang-diem?kind=tinh'],
  ['bao-cao', '/bao-cao'],
  ['the-thuc', '/bao-cao/the-thuc'],
  ['xep-hang', '/xep-hang'],
  ['ban-chi-dao', '/ban-chi-dao'],
  ['phien-hop', '/phien-hop'],
  ['nhap-tep', '/nhap-tep'],
  ['co-quan', '/co-quan'],
  ['co-quan-moi', '/co-quan/moi'],
  ['sua-co-quan', '/co-quan/BTC/sua'],
  ['nhat-ky', '/nhat-ky'],
  ['thu-cho-gui', '/thu-cho-gui'],
  ['tai-khoan', '/quan-tri/tai-khoan'],
  ['tai-khoan-admin', '/quan-tri/tai-khoan/admin'],
  ['thong-bao', '/thong-bao'],
  ['nhac-viec', '/tai-khoan/nhac-viec'],
  ['mat-khau', '/tai-khoan/mat-khau'],
];

// What sticks out of the window: the page's own width, and every visible element whose right
// edge passes the window (outside the boxes that scroll sideways on purpose).
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.scroll')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > width + 1 || r.left < -1) {
        if (el.classList.contains('skip')) continue;
        out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).replace(/ /g, '.') : ''} ${Math.round(r.left)}–${Math.round(r.right)}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 8) };
  });
}

const focalPages = [
  ['cua-toi', '/cua-toi'],
  ['dau-moi-viec-can-xu-ly', '/viec-can-xu-ly'],
  ['dau-moi-nhiem-vu', null],
];

for (const [name, fixed, who] of [...pages.map((p) => [...p, 'admin']), ...focalPages.map((p) => [...p, 'focal'])]) {
  test(`${name} fits a phone and a laptop`, async () => {
    const { page } = who === 'admin' ? admin : focal;
    let path = fixed;
    if (!path) {
      // The focal point's own task, with the report, deadline, difficulty and commitment forms.
      await page.goto(app.base + '/cua-toi');
      path = await page.getAttribute('main table tbody tr a[href^="/nhiem-vu/"]', 'href');
    }
    for (const [label, viewport] of [['phone', { width: 390, height: 844 }], ['desk', { width: 1366, height: 768 }]]) {
      await page.setViewportSize(viewport);
      const res = await page.goto(app.base + path);
      assert.equal(res.status(), 200, `${path} answers`);
      const o = await overflow(page);
      assert.ok(o.scroll <= o.width, `${label} ${path}: the page is ${o.scroll} px wide in ${o.width}: ${o.out.join(', ')}`);
      assert.deepEqual(o.out, [], `${label} ${path}: nothing sticks out`);
      const logout = await page.locator('header.top button', { hasText: 'Đăng xuất' }).boundingBox();
      assert.ok(logout && logout.x >= 0 && logout.x + logout.width <= viewport.width, `${label} ${path}: the log-out button is on screen`);
      assert.deepEqual(await axeViolations(page), [], `${label} ${path}: no serious accessibility violation (axe-core)`);
      await page.screenshot({ path: join(shots, `${label}-${name}.png`), fullPage: true });
      await page.screenshot({ path: join(shots, `${label}-${name}-top.png`) });
      if (process.env.SHOT_CHUNKS) {
        const h = await page.evaluate(() => document.documentElement.scrollHeight);
        for (let y = 0, k = 0; y < h && k < 12; y += 1500, k++) {
          await page.screenshot({ path: join(shots, `${label}-${name}-${k}.png`), fullPage: true, clip: { x: 0, y, width: viewport.width, height: Math.min(1500, h - y) } });
        }
      }
    }
  });
}

test('the log-in page fits a phone', async () => {
  const ctx = await app.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto(app.base + '/dang-nhap');
  const o = await overflow(page);
  assert.deepEqual([o.scroll <= o.width, o.out], [true, []]);
  assert.deepEqual(await axeViolations(page), [], 'no serious accessibility violation (axe-core)');
  const box = await page.locator('form.login').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the form within the screen');
  await page.screenshot({ path: join(shots, 'phone-dang-nhap.png') });
  await ctx.close();
});

test('the standing agency creates a task on a phone: preview of the agencies, then saved', async () => {
  const { page } = admin;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(app.base + '/nhiem-vu');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/nhiem-vu/moi"]')]);
  await page.fill('textarea[name=name]', 'Triển khai thẻ <VNeID> mức 2 cho người lao động');
  await page.fill('input[name=lead]', 'Bộ Công an');
  await page.fill('input[name=coordinators]', '34 tỉnh, thành phố');
  await page.fill('input[name=deadline]', 'Quý 3/2027');
  await Promise.all([page.waitForNavigation(), page.click('button[value=xem]')]);
  const preview = await page.textContent('section.preview');
  assert.match(preview, /34 cơ quan: /);
  assert.match(preview, /30\/09\/2027/);
  assert.equal(await page.inputValue('textarea[name=name]'), 'Triển khai thẻ <VNeID> mức 2 cho người lao động', 'kept as typed, angle brackets as text');
  const o = await overflow(page);
  assert.deepEqual([o.scroll <= o.width, o.out], [true, []]);
  await page.screenshot({ path: join(shots, 'phone-tao-nhiem-vu-xem-truoc.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button[value=luu]')]);
  assert.match(page.url(), /\/nhiem-vu\/\d+\?tb=tao-nhiem-vu$/);
  assert.match(await page.textContent('.flash'), /Đã tạo nhiệm vụ/);
  assert.equal(await page.textContent('h1'), 'Triển khai thẻ <VNeID> mức 2 cho người lao động');
  await page.screenshot({ path: join(shots, 'phone-nhiem-vu-moi-tao.png') });
});
