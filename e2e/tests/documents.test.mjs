// Official documents complete, in a real browser at both widths: the standing agency sets how the
// committee signs (a refused form keeps what was typed, the reason beside the field), then the
// ranking downloaded as Word carries the number line, the place, "Nơi nhận" and the signer; a
// refused meeting keeps what was typed. Screenshots: documents-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startApp, shots, axeViolations } from '../lib/app.mjs';

let app, standing;

before(async () => {
  app = await startApp();
  await (await app.firstSignIn('admin', app.adminPassword, 'mat-khau-e2e-2026')).ctx.close();
  standing = await app.firstSignIn('thuong-truc', app.addUser('thuong-truc', 'standing'), 'mat-khau-tt-2026');
});

after(async () => {
  await standing?.ctx.close();
  await app?.stop();
});

// The text of a Word file's body, read by Python's zipfile (no markup left).
function wordText(path) {
  return execFileSync('python3', ['-c', `
import html, re, sys, zipfile
xml = zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode('utf-8')
xml = re.sub(r'</w:p>', '\\n', xml)
print(html.unescape(re.sub(r'<[^>]+>', '', xml)))
`, path]).toString();
}

for (const [label, viewport] of [['phone', { width: 390, height: 844 }], ['desk', { width: 1366, height: 768 }]]) {
  test(`${label}: the committee's signing is set, refused fields keep what was typed, the ranking carries it`, async () => {
    const p = standing.page;
    await p.setViewportSize(viewport);
    await p.goto(app.base + '/bao-cao');
    await Promise.all([p.waitForNavigation(), p.click('text=Thể thức văn bản')]);
    // The usual form until one is set (the desk run sees the phone run's).
    assert.match(await p.textContent('dl.preview'), label === 'phone' ? /Số:\s+\/BC-BCĐ/ : /Số:\s+\/BC-UBND/);
    await p.fill('#place', '');
    await p.fill('#symbol', 'BC UBND');
    await p.fill('#authority', 'TM. Ủy ban nhân dân');
    await p.fill('#signer_title', 'Chủ tịch');
    await p.fill('#signer_name', 'Trần Văn B');
    await p.fill('#recipients', 'Thường trực Tỉnh ủy <VP>\nLưu: VT, VP');
    const [refused] = await Promise.all([p.waitForNavigation(), p.click('form.box button[type=submit]')]);
    assert.equal(refused.status(), 422);
    // Everything typed is there; each problem beside its field.
    assert.equal(await p.inputValue('#symbol'), 'BC UBND');
    assert.equal(await p.inputValue('#signer_name'), 'Trần Văn B');
    assert.equal(await p.inputValue('#recipients'), 'Thường trực Tỉnh ủy <VP>\nLưu: VT, VP');
    assert.match(await p.textContent('#loi-place'), /Cần nhập địa danh/);
    assert.match(await p.textContent('#loi-symbol'), /không có dấu cách/);
    assert.equal(await p.getAttribute('#symbol', 'aria-invalid'), 'true');
    assert.deepEqual(await axeViolations(p), [], 'no serious accessibility violation on the refused form');
    await p.screenshot({ path: join(shots, `documents-${label}-1-tu-choi.png`), fullPage: true });

    await p.fill('#place', label === 'phone' ? 'Huế' : 'Hà Nội');
    await p.fill('#symbol', 'BC-UBND');
    await Promise.all([p.waitForNavigation(), p.click('form.box button[type=submit]')]);
    assert.match(await p.textContent('.flash'), /Đã lưu thể thức văn bản/);
    const preview = await p.textContent('dl.preview');
    assert.match(preview, /Số:\s+\/BC-UBND/);
    assert.match(preview, /- Thường trực Tỉnh ủy <VP>;/);
    assert.match(preview, /- Lưu: VT, VP\./);
    assert.match(preview, /TM\. ỦY BAN NHÂN DÂN/);
    await p.screenshot({ path: join(shots, `documents-${label}-2-da-luu.png`), fullPage: true });

    // The ranking as Word, through the page's own button.
    await p.goto(app.base + '/bao-cao?thang=2026-05');
    const form = p.locator('form.box', { has: p.locator('input[name=thang]') });
    const [download] = await Promise.all([p.waitForEvent('download'), form.locator('button', { hasText: 'Tải Word' }).click()]);
    const file = join(app.dir, `xep-hang-${label}.docx`);
    await download.saveAs(file);
    const text = wordText(file);
    for (const words of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Số:      /BC-UBND', label === 'phone' ? 'Huế, ngày' : 'Hà Nội, ngày',
      'BẢNG ĐIỂM VÀ XẾP HẠNG', 'Nơi nhận:', '- Thường trực Tỉnh ủy <VP>;', '- Lưu: VT, VP.', 'TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', 'Trần Văn B']) {
      assert.ok(text.includes(words), `${words} is in the ranking`);
    }
    assert.ok(text.indexOf('Nơi nhận:') > text.indexOf('BẢNG ĐIỂM VÀ XẾP HẠNG'), 'the signature closes the document');
  });

  test(`${label}: a refused meeting keeps what was typed`, async () => {
    const p = standing.page;
    await p.setViewportSize(viewport);
    await p.goto(app.base + '/phien-hop');
    await p.fill('form.box input[name=name]', 'Phiên họp lần thứ sáu');
    await p.fill('form.box input[name=held_on]', '15/12/2026');
    await p.fill('form.box input[name=documents]', 'không có văn bản này');
    const [r] = await Promise.all([p.waitForNavigation(), p.click('form.box button[type=submit]')]);
    assert.equal(r.status(), 422);
    assert.equal(await p.inputValue('form.box input[name=name]'), 'Phiên họp lần thứ sáu');
    assert.equal(await p.inputValue('form.box input[name=held_on]'), '15/12/2026');
    assert.equal(await p.inputValue('form.box input[name=documents]'), 'không có văn bản này');
    assert.ok(await p.isVisible('#loi-documents'), 'the reason beside the documents');
    await p.screenshot({ path: join(shots, `documents-${label}-3-phien-hop.png`), fullPage: true });
  });
}
