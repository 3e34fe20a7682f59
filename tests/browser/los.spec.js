// Browser tests for Los: Debian Chromium driven by playwright-core, with axe-core on every page.
//
//   node los.spec.js BASE_URL RESULTS_FILE
//
// Run through run.sh, which starts a non-demo server (second factor enforced) with demo accounts.
// The steps run in order in one browser context and share its session; when a step that later
// steps depend on fails, those are counted as failed ("not run") instead of timing out one by one.
// Writes {"passed": N, "failed": M} to RESULTS_FILE; exits 1 on any failure.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const BASE = (process.argv[2] || '').replace(/\/$/, '');
const RESULTS = process.argv[3];
if (!BASE || !RESULTS) {
  console.error('usage: node los.spec.js BASE_URL RESULTS_FILE');
  process.exit(2);
}
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'Demo-Los-2026';
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const STATUS_TEXT = { 401: 'Unauthorized', 422: 'Unprocessable Entity' };
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// ---- TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps, base32 secret) ----

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

const currentStep = () => Math.floor(Date.now() / 1000 / 30);

// RFC 6238 appendix B vector (SHA-1, T = 59 s, 8 digits 94287082, so 6 digits 287082).
if (totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1) !== '287082') throw new Error('TOTP self-check failed');

// ---- a tiny sequential runner ----

const steps = [];
const step = (name, fn, { critical = false } = {}) => steps.push({ name, fn, critical });
const warnings = [];
let consoleProblems = [];

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- page helpers ----

let page;

async function checkAxe(label) {
  // page.evaluate is not subject to the page's CSP (script-src 'self'), so no bypassCSP is needed.
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object');
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  const bad = [];
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
    const line = `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s): ${where})`;
    if (v.impact === 'serious' || v.impact === 'critical') bad.push(line);
    else warnings.push(`axe on ${label}: ${line}`);
  }
  assert(bad.length === 0, `axe on ${label}:\n      ${bad.join('\n      ')}`);
}

// A form refused with 4xx is right (the page says why); Chromium logs that document's status as a
// console error, which the steps that expect it allow with `documentStatus`. Anything else fails.
function takeConsoleProblems(label, documentStatus) {
  const problems = consoleProblems
    .filter((p) => !(documentStatus && p.url === page.url()
      && p.text === `Failed to load resource: the server responded with a status of ${documentStatus}`
        + ` (${STATUS_TEXT[documentStatus]})`))
    .map((p) => p.line);
  consoleProblems = [];
  assert(problems.length === 0, `console errors on ${label}:\n      ${problems.join('\n      ')}`);
}

// After every navigation: the page is what we expect, has no console errors and passes axe.
async function checkPage(label, { path, lang = 'nb', documentStatus } = {}) {
  await page.waitForLoadState('load');
  if (path !== undefined) {
    const actual = new URL(page.url()).pathname;
    assert(actual === path, `expected to be on ${path}, am on ${actual}`);
  }
  const htmlLang = await page.getAttribute('html', 'lang');
  assert(htmlLang === lang, `${label}: <html lang> is ${htmlLang}, expected ${lang}`);
  takeConsoleProblems(label, documentStatus);
  await checkAxe(label);
}

async function visit(path, options = {}) {
  const response = await page.goto(BASE + path);
  assert(response && response.status() === 200, `GET ${path}: status ${response && response.status()}`);
  await checkPage(path, { path, ...options });
}

async function submitPassword(username) {
  await page.fill('#f-username', username);
  await page.fill('#f-password', PASSWORD);
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForLoadState('load');
}

async function logOut() {
  await page.click('details.los-menu > summary');
  await page.click('form[action="/logout"] button[type="submit"]');
  await page.waitForURL((url) => url.pathname === '/login');
  await checkPage('/login after logout', { path: '/login' });
}

// ---- the steps ----

const state = { secret: null, enrolStep: null, recoveryCodes: [] };

step('login page: no console errors, axe, first Tab focuses the skip link', async () => {
  await visit('/login');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({
    cls: document.activeElement.className,
    text: document.activeElement.textContent.trim(),
    href: document.activeElement.getAttribute('href'),
  }));
  assert(focused.cls.includes('ds-skip-link'), `first Tab focused ${JSON.stringify(focused)}`);
  assert(focused.text === 'Hopp til hovedinnholdet', `skip link text ${JSON.stringify(focused.text)}`);
  assert(focused.href === '#main', `skip link href ${focused.href}`);
  await page.keyboard.press('Enter');
  const mainFocused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  assert(mainFocused === 'main', `after Enter on the skip link focus is on #${mainFocused}, expected #main`);
});

step('wrong password is refused with a message', async () => {
  await page.fill('#f-username', 'admin');
  await page.fill('#f-password', 'not-the-password');
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForLoadState('load');
  await checkPage('/login (wrong password)', { documentStatus: 401 });
  assert(new URL(page.url()).pathname === '/login', `wrong password led to ${page.url()}`);
  assert(await page.isVisible('.ds-alert[role="alert"]'), 'no error alert after a wrong password');
});

step('admin logs in with password and must enrol a TOTP second factor', async () => {
  await visit('/login');
  await submitPassword('admin');
  await checkPage('/login/enrol', { path: '/login/enrol' });
  assert(await page.isVisible('figure.los-qr svg'), 'no QR code on the enrolment page');
  const secret = await page.inputValue('form input[type="hidden"][name="secret"]');
  const shown = (await page.textContent('code.los-secret')).trim();
  assert(/^[A-Z2-7=\s]+$/i.test(secret), `secret is not base32: ${secret}`);
  assert(shown.replace(/\s/g, '') === secret.replace(/\s/g, ''), `shown secret ${shown} differs from ${secret}`);

  // A wrong code first: the page says so and marks the field.
  await page.fill('#f-code', '000000' === totp(secret, currentStep()) ? '111111' : '000000');
  await page.click('form[action="/login/enrol"] button[type="submit"]');
  await checkPage('/login/enrol (wrong code)', { documentStatus: 422 });
  assert((await page.getAttribute('#f-code', 'aria-invalid')) === 'true', 'wrong enrolment code: no aria-invalid');

  const enrolStep = currentStep();
  const secretNow = await page.inputValue('form input[type="hidden"][name="secret"]');
  await page.fill('#f-code', totp(secretNow, enrolStep));
  await page.click('form[action="/login/enrol"] button[type="submit"]');
  await checkPage('recovery codes page');
  const codes = (await page.$$eval('ul.los-codes code', (els) => els.map((e) => e.textContent.trim()))).filter(Boolean);
  assert(codes.length > 0, 'no recovery codes shown after enrolment');
  Object.assign(state, { secret: secretNow, enrolStep, recoveryCodes: codes });

  await page.click('main a.ds-button');
  await checkPage('/ after enrolment', { path: '/' });
  assert(await page.isVisible('nav.los-nav'), 'no main navigation after login');
}, { critical: true });

for (const path of ['/', '/organizations', '/organizations/new', '/municipalities', '/admin/accounts',
  '/admin/accounts/new', '/admin/audit', '/account']) {
  step(`admin page ${path}: 200, no console errors, axe`, async () => {
    await visit(path);
    assert(await page.isVisible('main h1'), `${path} has no visible <h1> in <main>`);
  });
}

step('new account with a 1-character username shows the error summary and aria-invalid', async () => {
  await visit('/admin/accounts/new');
  await page.fill('#f-username', 'x');
  await page.fill('#f-display_name', 'Xerxes Test');
  await page.fill('#f-password', 'Browser-Test-Password-2026');
  await page.click('form[action="/admin/accounts"] button[type="submit"]');
  await checkPage('/admin/accounts (invalid)', { documentStatus: 422 });
  assert(await page.isVisible('.ds-error-summary'), 'no error summary');
  const summary = await page.textContent('.ds-error-summary');
  assert(summary.includes('Skjemaet har feil som må rettes'), `error summary text: ${summary}`);
  assert(await page.isVisible('.ds-error-summary a[href="#f-username"]'), 'summary does not link to #f-username');
  assert((await page.getAttribute('#f-username', 'aria-invalid')) === 'true', '#f-username lacks aria-invalid="true"');
  const describedBy = (await page.getAttribute('#f-username', 'aria-describedby')) || '';
  assert(describedBy.split(/\s+/).includes('f-username-err'), `aria-describedby is ${describedBy}`);
  assert(await page.isVisible('#f-username-err'), 'no visible message for the username field');
  assert((await page.getAttribute('#f-display_name', 'aria-invalid')) === null, 'valid field marked invalid');
});

step('create an organisation and see it listed', async () => {
  const name = `Nettlesertest ${Date.now()}`;
  await visit('/organizations/new');
  await page.fill('#f-name', name);
  await page.click('form[action="/organizations"] button[type="submit"]');
  await page.waitForURL((url) => url.pathname === '/organizations');
  await checkPage('/organizations after create', { path: '/organizations' });
  const link = page.locator('table.ds-table a', { hasText: name });
  assert((await link.count()) === 1, `organisation ${name} is not listed`);
});

step('language switch: Svenska, English, then back to bokmål', async () => {
  await visit('/organizations');
  for (const [tag, nav, skip] of [
    ['sv', 'Verksamheter', 'Hoppa till huvudinnehållet'],
    ['en', 'Organisations', 'Skip to main content'],
    ['nb', 'Virksomheter', 'Hopp til hovedinnholdet'],
  ]) {
    await page.click(`form.los-lang button[name="lang"][value="${tag}"]`);
    await page.waitForLoadState('load');
    await checkPage(`/organizations in ${tag}`, { path: '/organizations', lang: tag });
    const navText = await page.textContent('nav.los-nav a[href="/organizations"]');
    assert(navText.trim() === nav, `${tag}: nav says ${JSON.stringify(navText.trim())}, expected ${nav}`);
    assert((await page.textContent('a.ds-skip-link')).trim() === skip, `${tag}: skip link not translated`);
    const pressed = await page.getAttribute(`form.los-lang button[value="${tag}"]`, 'aria-pressed');
    assert(pressed === 'true', `${tag}: language button aria-pressed=${pressed}`);
  }
});

step('log out, log in again with password and a fresh TOTP code', async () => {
  await logOut();
  const protectedPage = await page.goto(BASE + '/admin/accounts');
  assert(new URL(page.url()).pathname === '/login', `after logout /admin/accounts gave ${page.url()} (${protectedPage.status()})`);
  await checkPage('/login (signed out)');
  await submitPassword('admin');
  await checkPage('/login/second-factor', { path: '/login/second-factor' });
  // A code is single-use: wait for a time step after the one used at enrolment.
  while (currentStep() <= state.enrolStep) await new Promise((r) => setTimeout(r, 500));
  await page.fill('#f-code', totp(state.secret, currentStep()));
  await page.click('form[action="/login/second-factor"] button[type="submit"]');
  await page.waitForURL((url) => url.pathname === '/admin/accounts');
  await checkPage('/admin/accounts after second factor', { path: '/admin/accounts' });
}, { critical: true });

step('log out, log in with a recovery code', async () => {
  await logOut();
  await submitPassword('admin');
  await checkPage('/login/second-factor', { path: '/login/second-factor' });
  await page.click('a[href="/login/recovery"]');
  await checkPage('/login/recovery', { path: '/login/recovery' });
  await page.fill('#f-recovery_code', state.recoveryCodes[0]);
  await page.click('form[action="/login/recovery"] button[type="submit"]');
  await page.waitForURL((url) => url.pathname === '/');
  await checkPage('/ after recovery code', { path: '/' });
  await logOut();
});

// ---- run ----

(async () => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  let passed = 0;
  let failed = 0;
  try {
    const context = await browser.newContext({ locale: 'nb-NO', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      consoleProblems.push({ text: msg.text(), url: msg.location().url, line: `console.error on ${page.url()}: ${msg.text()}` });
    });
    page.on('pageerror', (err) => consoleProblems.push({ line: `uncaught on ${page.url()}: ${err.message}` }));
    page.on('requestfailed', (req) => {
      const line = `request failed: ${req.method()} ${req.url()}: ${req.failure() && req.failure().errorText}`;
      consoleProblems.push({ line });
    });

    let blocked = null;
    for (const s of steps) {
      const started = Date.now();
      if (blocked) {
        failed += 1;
        console.log(`not ok - ${s.name}\n      not run: "${blocked}" failed`);
        continue;
      }
      try {
        await s.fn();
        passed += 1;
        console.log(`ok - ${s.name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        consoleProblems = [];
        console.log(`not ok - ${s.name}\n      ${error && error.message}\n      at ${page.url()}`);
        if (s.critical) blocked = s.name;
      }
    }
  } finally {
    await browser.close();
  }
  for (const w of warnings) console.log(`warning: ${w}`);
  fs.writeFileSync(RESULTS, JSON.stringify({ passed, failed }));
  process.exit(failed === 0 ? 0 : 1);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
