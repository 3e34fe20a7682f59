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
const STATUS_TEXT = { 401: 'Unauthorized', 403: 'Forbidden', 422: 'Unprocessable Entity' };
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

// ---- persons: a caseworker, a leader and an analyst ----

// Norwegian synthetic numbers, the rule of Rust's `norwegian_number_from(..., NoSynthetic)`:
// DDMMYY with month + 80, a three-digit individual number whose series gives the birth year,
// and two mod-11 check digits (a remainder giving 10 is never issued: try the next number).
function fodselsnummerYear(individual, yy) {
  if (individual <= 499) return 1900 + yy;
  if (individual <= 749 && yy >= 54) return 1800 + yy;
  if (individual <= 999 && yy <= 39) return 2000 + yy;
  if (individual >= 900 && yy >= 40) return 1900 + yy;
  return null;
}

function mod11(digits, weights) {
  const sum = digits.reduce((acc, d, i) => acc + d * weights[i], 0);
  const r = sum % 11;
  if (r === 0) return 0;
  if (r === 1) return null;
  return 11 - r;
}

function norwegianSyntheticNumber(year, month, day, individual) {
  const two = (n) => String(n).padStart(2, '0');
  const yy = year % 100;
  for (let step = 0; step < 500; step += 1) {
    const ind = (individual % 1000 + 2 * step) % 1000;
    if (fodselsnummerYear(ind, yy) !== year) continue;
    const nine = `${two(day)}${two(month + 80)}${two(yy)}${String(ind).padStart(3, '0')}`.split('').map(Number);
    const k1 = mod11(nine, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
    if (k1 === null) continue;
    const k2 = mod11([...nine, k1], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
    if (k2 === null) continue;
    return nine.join('') + k1 + k2;
  }
  return null;
}

// Self-check against the hand-worked number in crates/los-core/src/identifiers/tests.rs.
if (norwegianSyntheticNumber(1980, 1, 1, 123) !== '01818012337') throw new Error('synthetic number self-check failed');

const persons = { hit: null, id: null, given: null, family: null, number: null, birthDate: null };

async function assertMainHeading(label) {
  assert(await page.isVisible('main h1'), `${label} has no visible <h1> in <main>`);
}

// Signed out, on the login page, whatever state an earlier (maybe failed) step left.
async function ensureSignedOut() {
  await page.goto(BASE + '/');
  if (await page.locator('details.los-menu').count()) {
    await logOut();
  } else {
    takeConsoleProblems('/ (signed out)');
  }
}

// A demo account signs in for the first time: password, then enrols a TOTP second factor.
async function signInAndEnrol(username) {
  await ensureSignedOut();
  await visit('/login');
  await submitPassword(username);
  await checkPage(`/login/enrol (${username})`, { path: '/login/enrol' });
  const secret = await page.inputValue('form input[type="hidden"][name="secret"]');
  await page.fill('#f-code', totp(secret, currentStep()));
  await page.click('form[action="/login/enrol"] button[type="submit"]');
  await checkPage(`recovery codes page (${username})`);
  await page.click('main a.ds-button');
  await checkPage(`/ after enrolment (${username})`, { path: '/' });
  assert(await page.isVisible('nav.los-nav'), `${username}: no main navigation after login`);
}

function needPerson() {
  assert(persons.id, 'no registered person (an earlier step failed)');
}

step('koordinator (caseworker) logs in and enrols a TOTP second factor; nav has Personer', async () => {
  await signInAndEnrol('koordinator');
  const link = page.locator('nav.los-nav a[href="/persons"]');
  assert((await link.count()) === 1, 'no "Personer" link in the navigation for a caseworker');
  assert((await link.textContent()).trim() === 'Personer', `nav link says ${await link.textContent()}`);
}, { critical: true });

step('koordinator: /persons search by family name lists hits; open one', async () => {
  await visit('/persons');
  await assertMainHeading('/persons');
  assert(await page.isVisible('form[role="search"] #f-q'), 'no search field');
  let hits = 0;
  let family = null;
  for (const name of ['Hansen', 'Olsen', 'Larsen', 'Berg', 'Dahl']) {
    await page.fill('#f-q', name);
    await page.click('form[action="/persons"] button[type="submit"]');
    await page.waitForURL((url) => url.pathname === '/persons' && url.searchParams.get('q') === name);
    await checkPage(`/persons?q=${name}`, { path: '/persons' });
    hits = await page.locator('table.ds-table tbody a.ds-link').count();
    if (hits > 0) { family = name; break; }
    assert(await page.isVisible('p[role="status"]'), `no status message for an empty search for ${name}`);
  }
  assert(hits > 0, 'no hits for any demo family name');
  const status = (await page.textContent('section p[role="status"]')).trim();
  assert(/\d/.test(status), `hit count status: ${JSON.stringify(status)}`);
  const first = page.locator('table.ds-table tbody a.ds-link').first();
  const name = (await first.textContent()).trim();
  assert(name.includes(family), `first hit ${JSON.stringify(name)} does not carry the family name ${family}`);
  await first.click();
  await page.waitForURL((url) => /^\/persons\/[^/]+$/.test(url.pathname));
  await checkPage(`person page of ${name}`);
  await assertMainHeading('person page');
  const h1 = (await page.textContent('main h1')).trim();
  assert(h1 === name, `person page <h1> is ${JSON.stringify(h1)}, expected ${JSON.stringify(name)}`);
  persons.hit = new URL(page.url()).pathname;
});

step('koordinator: /persons/new — as-you-type number check (wrong check digit, then right), register', async () => {
  await visit('/persons/new');
  await assertMainHeading('/persons/new');
  const live = await page.getAttribute('#f-identifier-check', 'aria-live');
  assert(live === 'polite', `#f-identifier-check aria-live=${live}`);
  const describedBy = (await page.getAttribute('#f-identifier', 'aria-describedby')) || '';
  assert(describedBy.split(/\s+/).includes('f-identifier-check'), `#f-identifier aria-describedby is ${describedBy}`);

  // A synthetic number (month + 80) born 1945–1955, so it cannot be one of the demo's (ages 20–65).
  const year = 1945 + crypto.randomInt(11);
  const month = 1 + crypto.randomInt(12);
  const day = 1 + crypto.randomInt(28);
  const number = norwegianSyntheticNumber(year, month, day, crypto.randomInt(500));
  assert(number && number.length === 11, `no synthetic number for ${year}-${month}-${day}`);
  const wrong = number.slice(0, 10) + String((Number(number[10]) + 1) % 10);

  const check = page.locator('#f-identifier-check');
  await page.locator('#f-identifier').pressSequentially(wrong, { delay: 20 });
  await page.waitForFunction(() => document.querySelector('#f-identifier-check').textContent.trim() !== '');
  const wrongText = (await check.textContent()).trim();
  assert(/kontrollsiffer/i.test(wrongText), `wrong check digit: live region says ${JSON.stringify(wrongText)}`);
  await checkPage('/persons/new (wrong check digit shown)', { path: '/persons/new' });

  await page.locator('#f-identifier').press('Backspace');
  await page.locator('#f-identifier').pressSequentially(number.slice(10));
  assert((await page.inputValue('#f-identifier')) === number, 'the field does not hold the right number');
  const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  await page.waitForFunction(
    (date) => document.querySelector('#f-identifier-check').textContent.includes(date), birthDate);
  const rightText = (await check.textContent()).trim();
  assert(/^Gyldig/.test(rightText) && !/kontrollsiffer/i.test(rightText), `right number: live region says ${JSON.stringify(rightText)}`);
  await checkPage('/persons/new (valid number shown)', { path: '/persons/new' });

  const given = 'Nettleser';
  const family = `Testesen${Date.now().toString(36)}`;
  await page.fill('#f-given_name', given);
  await page.fill('#f-family_name', family);
  if (!(await page.inputValue('#f-service'))) {
    const first = await page.$$eval('#f-service option', (os) => os.map((o) => o.value).find((v) => v));
    assert(first, 'no service to enrol the person in');
    await page.selectOption('#f-service', first);
  }
  await page.click('form[action="/persons/new"] button[type="submit"]');
  await page.waitForURL((url) => /^\/persons\/[^/]+$/.test(url.pathname) && url.pathname !== '/persons/new');
  await checkPage('person page after registration');
  const h1 = (await page.textContent('main h1')).trim();
  assert(h1.includes(given) && h1.includes(family), `registered person's <h1> is ${JSON.stringify(h1)}`);
  const facts = await page.textContent('main');
  assert(facts.includes(number), 'the person page does not show the number');
  assert(facts.includes(birthDate), 'the person page does not show the birth date from the number');
  Object.assign(persons, { id: new URL(page.url()).pathname.split('/')[2], given, family, number, birthDate });
});

for (const sub of ['', '/edit', '/relatives/new', '/consents/new', '/blocks/new', '/access-log']) {
  step(`koordinator: /persons/{id}${sub}: 200, no console errors, axe, <h1>`, async () => {
    needPerson();
    await visit(`/persons/${persons.id}${sub}`);
    await assertMainHeading(`/persons/{id}${sub}`);
  });
}

step('koordinator: add a relative child under 18 and see the child flag', async () => {
  needPerson();
  await visit(`/persons/${persons.id}/relatives/new`);
  const childName = 'Nora Testesen';
  const born = `${new Date().getFullYear() - 8}-06-15`;
  await page.fill('#f-name', childName);
  await page.selectOption('#f-relation', 'child');
  await page.fill('#f-birth_date', born);
  await page.click(`form[action="/persons/${persons.id}/relatives/new"] button[type="submit"]`);
  await page.waitForURL((url) => url.pathname === `/persons/${persons.id}`);
  await checkPage('person page after adding a child', { path: `/persons/${persons.id}` });
  const row = page.locator('#h-relatives ~ .los-table-wrap tbody tr', { hasText: childName });
  assert((await row.count()) === 1, `relative ${childName} is not listed`);
  const tag = (await row.locator('.ds-tag').textContent().catch(() => '')).trim();
  assert(tag === 'Barn som pårørende', `child flag on the relative: ${JSON.stringify(tag)}`);
  const alert = (await page.textContent('section[aria-labelledby="h-relatives"] .ds-alert').catch(() => '')).trim();
  assert(/1 barn under 18/.test(alert), `minor-children notice: ${JSON.stringify(alert)}`);
});

step('koordinator: the access log lists their own view of the person', async () => {
  needPerson();
  await visit(`/persons/${persons.id}/access-log`);
  await assertMainHeading('access log');
  const rows = await page.$$eval('table:has(#log-caption) tbody tr', (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ')));
  assert(rows.length > 0, 'no entries in the access log');
  const own = rows.filter((r) => r.includes('Kim Koordinator (demo)') && r.includes('Person sett'));
  assert(own.length > 0, `no "Person sett" by Kim Koordinator in the log; first rows:\n      ${rows.slice(0, 5).join('\n      ')}`);
  assert(rows.some((r) => r.includes('Person registrert')), 'the registration is not in the access log');
});

step('koordinator: /emergency-access: 200, no console errors, axe, <h1>', async () => {
  await visit('/emergency-access');
  await assertMainHeading('/emergency-access');
});

step('leder (leader) logs in, enrols; /emergency-access/reviews: 200, axe, <h1>', async () => {
  await signInAndEnrol('leder');
  assert((await page.locator('nav.los-nav a[href="/emergency-access/reviews"]').count()) === 1,
    'no emergency reviews link in the navigation for a leader');
  await visit('/emergency-access/reviews');
  await assertMainHeading('/emergency-access/reviews');
  await visit('/emergency-access/reviews?all=1', { path: '/emergency-access/reviews' });
  await assertMainHeading('/emergency-access/reviews?all=1');
});

step('analytiker (analyst) logs in, enrols; no "Personer" link in the navigation', async () => {
  await signInAndEnrol('analytiker');
  const navText = (await page.textContent('nav.los-nav')).replace(/\s+/g, ' ').trim();
  assert((await page.locator('nav.los-nav a[href="/persons"]').count()) === 0, `analyst nav has a /persons link: ${navText}`);
  assert(!/Personer/.test(navText), `analyst nav mentions Personer: ${navText}`);
  assert((await page.locator('nav.los-nav a[href="/emergency-access/reviews"]').count()) === 0,
    `analyst nav has the emergency reviews link: ${navText}`);
}, { critical: true });

// The friendly 403 page: status, no console errors besides the 403 itself, axe, <h1> "Ingen tilgang".
async function expectForbidden(path) {
  const response = await page.goto(BASE + path);
  const status = response && response.status();
  if (status !== 403) {
    // Still a page: wait for its favicon and run the usual checks before moving on.
    await page.waitForLoadState('networkidle');
    if (status === 200) await checkPage(`${path} (analyst)`);
    else takeConsoleProblems(`${path} (analyst)`, STATUS_TEXT[status] ? status : undefined);
    return `GET ${path}: ${status} (<h1> ${JSON.stringify(((await page.textContent('main h1').catch(() => '')) || '').trim())})`;
  }
  await checkPage(`${path} (analyst, 403)`, { path: new URL(BASE + path).pathname, documentStatus: 403 });
  const h1 = (await page.textContent('main h1')).trim();
  assert(h1 === 'Ingen tilgang', `403 page for ${path}: <h1> is ${JSON.stringify(h1)}`);
  return null;
}

step('analytiker: /persons is a 403 page', async () => {
  const wrong = await expectForbidden('/persons');
  assert(!wrong, `expected 403, got ${wrong}`);
});

step('analytiker: search, registration form, person page, emergency access are 403 pages', async () => {
  const paths = ['/persons?q=Hansen', '/persons/new', '/emergency-access', '/emergency-access/reviews'];
  if (persons.hit) paths.push(persons.hit);
  if (persons.id) paths.push(`/persons/${persons.id}`, `/persons/${persons.id}/access-log`);
  const wrong = [];
  for (const path of paths) {
    const problem = await expectForbidden(path);
    if (problem) wrong.push(problem);
  }
  assert(wrong.length === 0, `expected 403, got:\n      ${wrong.join('\n      ')}`);
});

step('analytiker logs out', async () => {
  await page.goto(BASE + '/');
  takeConsoleProblems('/ (analyst)');
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
