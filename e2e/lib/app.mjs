// Starting the real application for a browser test: a fresh working directory with its own
// SQLite database, the release binary serving on a free port, Debian's chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const root = resolve(import.meta.dirname, '..', '..');
export const bin = join(root, 'target', 'release', 'tiendo');
export const samples = join(root, 'testdata', 'samples');
export const shots = join(root, 'e2e', 'screenshots');

export async function startApp({ importSample = true, demo = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tiendo-e2e-'));
  mkdirSync(shots, { recursive: true });
  if (importSample && !demo) {
    execFileSync(bin, ['import', join(samples, 'plan-2026-appendix-2.docx'), '--reported-on', '2026-02-15'], { cwd: dir, stdio: 'ignore' });
  }
  const server = spawn(bin, ['serve', '--bind', '127.0.0.1:0', ...(demo ? ['--demo'] : [])], { cwd: dir });
  let log = '';
  const { base, adminPassword } = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('server did not start: ' + log)), demo ? 120000 : 30000);
    server.stderr.on('data', (d) => {
      log += d.toString();
      const addr = log.match(/http:\/\/(127\.0\.0\.1:\d+)/);
      const pw = log.match(/mật khẩu dùng một lần: (\S+)/);
      const ready = !demo || /đang chạy tại/.test(log);
      if (addr && pw && ready) { clearTimeout(timer); ok({ base: 'http://' + addr[1], adminPassword: pw[1] }); }
    });
    server.on('exit', (c) => fail(new Error('server exited ' + c + ': ' + log)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const app = {
    dir, server, base, adminPassword, browser,
    log: () => log,
    run(args) { return execFileSync(bin, args, { cwd: dir }).toString(); },
    addUser(name, role, agency) {
      const args = ['users', 'add', name, '--role', role];
      if (agency) args.push('--agency', agency);
      return app.run(args).trim().split(': ').pop();
    },
    async newPage() {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      return { ctx, page: await ctx.newPage() };
    },
    // Signs in with a one-time password, sets a new one, signs in again.
    async firstSignIn(user, oneTime, newPassword) {
      const s = await app.newPage();
      await s.page.goto(base + '/dang-nhap');
      await s.page.fill('#username', user);
      await s.page.fill('#password', oneTime);
      await Promise.all([s.page.waitForNavigation(), s.page.click('form.login button[type=submit]')]);
      await s.page.fill('#current', oneTime);
      await s.page.fill('#new', newPassword);
      await s.page.fill('#again', newPassword);
      await Promise.all([s.page.waitForNavigation(), s.page.click('form.login button[type=submit]')]);
      await app.signInOn(s.page, user, newPassword);
      return s;
    },
    async signIn(user, password) {
      const s = await app.newPage();
      await s.page.goto(base + '/dang-nhap');
      await app.signInOn(s.page, user, password);
      return s;
    },
    async signInOn(page, user, password) {
      await page.fill('#username', user);
      await page.fill('#password', password);
      await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
    },
    async stop() {
      await browser?.close();
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return app;
}

// Accessibility: axe-core (npm) run in the page as it is (the pages' own policy forbids scripts,
// so it is evaluated through the browser's debugging protocol, which the policy does not cover).
// Returns the serious and critical violations, each with where it is.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 3 ? ` … ${v.nodes.length} in all` : ''}`);
}
