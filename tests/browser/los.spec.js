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

// ---- a coordinator's day: the plan, a measure, a meeting, a referral, the language ----

const plan = { id: null, name: null, path: null, measure: null, meeting: null, service: null };

// A date `days` from today (UTC; the server's zone is a few hours ahead at most), as YYYY-MM-DD.
const dayFromToday = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

// The nine required contents of an individual plan, numbered as the plan page heads them.
const PLAN_CONTENTS = ['Mål, ressurser og behov', 'Hvem som deltar', 'Koordinator',
  'Bidrag fra personen, tjenestene og pårørende', 'Tiltak', 'Hvordan tiltakene gjennomføres',
  'Planperiode og revisjon', 'Samtykke', 'Samarbeid'];

function needPlan() {
  assert(plan.id, 'no person with a plan (an earlier step failed)');
}

async function mainHeadingText() {
  return (await page.textContent('main h1')).trim();
}

step('koordinator: find a person with a plan by search, open the plan: axe, <h1>, the nine numbered contents', async () => {
  // "Mine personer" on the front page names the persons whose plans Kim coordinates.
  await visit('/');
  const own = page.locator('section[aria-labelledby="h-own-plans"] table tbody a.ds-link[href$="/plan"]').first();
  assert((await own.count()) === 1, 'no plan in "Mine personer" on the front page');
  const name = (await own.textContent()).trim();
  const id = (await own.getAttribute('href')).split('/')[2];
  const family = name.split(',')[0].trim();

  await visit('/persons');
  await page.fill('#f-q', family);
  await page.click('form[action="/persons"] button[type="submit"]');
  await page.waitForURL((url) => url.pathname === '/persons' && url.searchParams.get('q') === family);
  await checkPage(`/persons?q=${family}`, { path: '/persons' });
  const hit = page.locator(`table.ds-table tbody a.ds-link[href="/persons/${id}"]`);
  assert((await hit.count()) === 1, `searching for ${family} does not list ${name}`);
  await hit.click();
  await page.waitForURL((url) => url.pathname === `/persons/${id}`);
  await checkPage(`person page of ${name}`, { path: `/persons/${id}` });
  assert((await mainHeadingText()) === name, `person page <h1> is not ${JSON.stringify(name)}`);

  await page.click(`main nav a[href="/persons/${id}/plan"]`);
  await page.waitForURL((url) => url.pathname === `/persons/${id}/plan`);
  await checkPage(`plan of ${name}`, { path: `/persons/${id}/plan` });
  await assertMainHeading('plan page');
  const h1 = await mainHeadingText();
  assert(/individuell plan/i.test(h1), `plan page <h1> is ${JSON.stringify(h1)}`);
  const headings = (await page.$$eval('main section > h2', (hs) => hs.map((h) => h.textContent.trim())));
  PLAN_CONTENTS.forEach((text, i) => {
    assert(headings.includes(`${i + 1}. ${text}`), `plan page lacks the heading "${i + 1}. ${text}"; has ${JSON.stringify(headings)}`);
  });
  for (const [i] of PLAN_CONTENTS.entries()) {
    const heading = page.locator('main section > h2', { hasText: new RegExp(`^${i + 1}\\. `) }).first();
    assert(await heading.isVisible(), `plan heading ${i + 1} is not visible`);
  }
  Object.assign(plan, { id, name, path: `/persons/${id}/plan` });
});

step('koordinator: the plan history and the printout: 200, no console errors, axe, <h1>', async () => {
  needPlan();
  await visit(plan.path);
  await page.click(`main nav a[href="${plan.path}/history"]`);
  await page.waitForURL((url) => url.pathname === `${plan.path}/history`);
  await checkPage('plan history', { path: `${plan.path}/history` });
  assert((await mainHeadingText()) === 'Historikk', `history <h1> is ${JSON.stringify(await mainHeadingText())}`);
  const versions = await page.locator('main ol > li section h2').count();
  assert(versions > 0, 'the plan history lists no versions');

  await visit(`${plan.path}/print`);
  await assertMainHeading('plan printout');
  const printed = await page.textContent('main');
  assert(printed.includes(plan.name), `the printout does not name ${plan.name}`);
});

step('koordinator: add a measure — end before start gives the error summary and aria-invalid; corrected, it is listed', async () => {
  needPlan();
  await visit(plan.path);
  await page.click(`#measures a[href="${plan.path}/measures/new"]`);
  await page.waitForURL((url) => url.pathname === `${plan.path}/measures/new`);
  await checkPage('new measure form', { path: `${plan.path}/measures/new` });
  assert((await mainHeadingText()) === 'Legg til tiltak', `measure form <h1> is ${JSON.stringify(await mainHeadingText())}`);

  const description = `Nettlesertest: ukentlig samtale ${Date.now().toString(36)}`;
  await page.fill('#f-description', description);
  await page.fill('#f-owner', 'Rusteamet v/koordinator');
  await page.fill('#f-extent', '1 time per uke');
  await page.fill('#f-from', dayFromToday(14));
  await page.fill('#f-to', dayFromToday(7));
  const form = `form[action="${plan.path}/measures/new"]`;
  await page.click(`${form} button[type="submit"]`);
  await page.waitForLoadState('load');
  await checkPage('new measure (ends before it starts)', { path: `${plan.path}/measures/new`, documentStatus: 422 });
  assert(await page.isVisible('.ds-error-summary'), 'no error summary');
  const summary = await page.textContent('.ds-error-summary');
  assert(summary.includes('Skjemaet har feil som må rettes'), `error summary text: ${summary}`);
  assert(summary.includes('slutter før den starter'), `the summary does not say the measure ends before it starts: ${summary}`);
  const link = page.locator('.ds-error-summary a[href="#f-to"]');
  assert((await link.count()) === 1, 'the summary does not link to #f-to');
  assert((await page.getAttribute('#f-to', 'aria-invalid')) === 'true', '#f-to lacks aria-invalid="true"');
  const describedBy = (await page.getAttribute('#f-to', 'aria-describedby')) || '';
  assert(describedBy.split(/\s+/).includes('f-to-err'), `#f-to aria-describedby is ${describedBy}`);
  assert(await page.isVisible('#f-to-err'), 'no visible message at the end date');
  assert((await page.getAttribute('#f-from', 'aria-invalid')) === null, 'the start date is marked invalid');
  assert((await page.inputValue('#f-description')) === description, 'the description was not kept');
  await link.click();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  assert(focused === 'f-to', `after following the summary link focus is on #${focused}, expected #f-to`);

  await page.fill('#f-to', dayFromToday(120));
  await page.click(`${form} button[type="submit"]`);
  await page.waitForURL((url) => url.pathname === plan.path);
  await checkPage('plan after adding a measure', { path: plan.path });
  const row = page.locator('#measures table tbody tr', { hasText: description });
  assert((await row.count()) === 1, `the measure ${JSON.stringify(description)} is not listed on the plan`);
  assert((await row.textContent()).includes('Rusteamet v/koordinator'), 'the listed measure lacks its owner');
  plan.measure = description;
});

step('koordinator: schedule a meeting; its page passes axe and its .ics is text/calendar', async () => {
  needPlan();
  await visit(plan.path);
  await page.click(`#meetings a[href="${plan.path}/meetings/new"]`);
  await page.waitForURL((url) => url.pathname === `${plan.path}/meetings/new`);
  await checkPage('new meeting form', { path: `${plan.path}/meetings/new` });
  const place = `Nettlesertest, møterom ${Date.now().toString(36)}`;
  await page.fill('#f-date', dayFromToday(10));
  await page.fill('#f-time', '10:00');
  await page.fill('#f-duration_minutes', '60');
  await page.fill('#f-place', place);
  await page.fill('#f-agenda', 'Status for tiltakene og neste revisjon.');
  await page.click(`form[action="${plan.path}/meetings/new"] button[type="submit"]`);
  await page.waitForURL((url) => /^\/meetings\/[^/]+$/.test(url.pathname));
  const meeting = new URL(page.url()).pathname;
  await checkPage('meeting page', { path: meeting });
  assert((await mainHeadingText()) === 'Ansvarsgruppemøte', `meeting <h1> is ${JSON.stringify(await mainHeadingText())}`);
  assert((await page.textContent('main')).includes(place), 'the meeting page does not show the place');

  const ics = page.locator(`main a[href="${meeting}.ics"]`);
  assert((await ics.count()) === 1, 'no .ics link on the meeting page');
  assert((await ics.textContent()).includes('Legg i kalenderen'), `.ics link text: ${await ics.textContent()}`);
  const response = await page.request.get(BASE + (await ics.getAttribute('href')));
  assert(response.status() === 200, `GET ${meeting}.ics: status ${response.status()}`);
  const type = response.headers()['content-type'] || '';
  assert(type.startsWith('text/calendar'), `${meeting}.ics has Content-Type ${type}`);
  const body = await response.text();
  assert(body.includes('BEGIN:VCALENDAR') && body.includes('BEGIN:VEVENT'), `${meeting}.ics is not iCalendar: ${body.slice(0, 80)}`);
  assert(body.replace(/\r?\n[ \t]/g, '').includes(place.replace(/,/g, '\\,')), `${meeting}.ics lacks the place`);

  await visit(plan.path);
  assert((await page.locator(`#meetings a[href="${meeting}"]`).count()) === 1, 'the meeting is not listed on the plan');
  plan.meeting = meeting;
});

step("koordinator: send a referral from the person's page and see it in the person's referrals", async () => {
  needPlan();
  await visit(`/persons/${plan.id}`);
  await page.click(`main nav a[href="/persons/${plan.id}/referrals"]`);
  await page.waitForURL((url) => url.pathname === `/persons/${plan.id}/referrals`);
  await checkPage('referrals of the person', { path: `/persons/${plan.id}/referrals` });
  const rowsBefore = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => tr.cells[2].textContent.trim()));

  await page.click(`main a[href="/persons/${plan.id}/referrals/new"]`);
  await page.waitForURL((url) => url.pathname === `/persons/${plan.id}/referrals/new`);
  await checkPage('new referral form', { path: `/persons/${plan.id}/referrals/new` });
  assert((await mainHeadingText()) === 'Ny henvisning', `referral form <h1> is ${JSON.stringify(await mainHeadingText())}`);
  // One open referral per person and service: choose a service the person has none to.
  const choices = await page.$$eval('#f-to_service option', (os) => os.map((o) => [o.value, o.textContent.trim()]));
  const choice = choices.find(([value, label]) => {
    if (!value) return false;
    const [service, ...provider] = label.split(' – ');
    return !rowsBefore.includes(`${service} (${provider.join(' – ')})`) && !rowsBefore.includes(label);
  });
  assert(choice, `no service left to refer to; the person has ${JSON.stringify(rowsBefore)}`);
  const serviceName = choice[1].split(' – ')[0];
  await page.selectOption('#f-to_service', choice[0]);
  await page.fill('#f-reason', 'Trenger oppfølging i tillegg til tiltakene i planen (nettlesertest).');
  await page.click(`form[action="/persons/${plan.id}/referrals/new"] button[type="submit"]`);
  await page.waitForURL((url) => /^\/referrals\/[^/]+$/.test(url.pathname));
  const referral = new URL(page.url()).pathname;
  await checkPage('referral page', { path: referral });
  await assertMainHeading('referral page');

  await visit(`/persons/${plan.id}/referrals`);
  const rows = page.locator('main table tbody tr');
  assert((await rows.count()) === rowsBefore.length + 1, `expected ${rowsBefore.length + 1} referrals, found ${await rows.count()}`);
  const row = page.locator(`main table tbody tr:has(a[href="${referral}"])`);
  assert((await row.count()) === 1, `the new referral ${referral} is not listed`);
  const text = (await row.textContent()).replace(/\s+/g, ' ');
  assert(text.includes(serviceName), `the listed referral does not name ${serviceName}: ${text}`);
  assert(text.includes('Sendt'), `the listed referral is not "Sendt": ${text}`);
  plan.service = serviceName;
});

step('koordinator: /persons/{id}/stays of the plan person: 200, no console errors, axe, <h1>', async () => {
  needPlan();
  await visit(`/persons/${plan.id}/stays`);
  await assertMainHeading('/persons/{id}/stays');
});

// Back to bokmål whatever happened, so a failed language step does not leave the later steps in
// another language (the choice outlives the session).
async function resetLanguage() {
  if ((await page.getAttribute('html', 'lang').catch(() => null)) === 'nb') return;
  await page.goto(BASE + '/');
  if ((await page.getAttribute('html', 'lang')) !== 'nb') {
    await page.click('form.los-lang button[name="lang"][value="nb"]');
    await page.waitForLoadState('load');
  }
  consoleProblems = [];
}

step('language switch on the plan page: English, Svenska, then back to bokmål; the plan headings follow', async () => {
  needPlan();
  await visit(plan.path);
  try {
    for (const [tag, h1, goals, measures] of [
      ['en', 'Individual plan', '1. Goals, resources and needs', '5. Measures'],
      ['sv', 'Individuell plan', '1. Mål, resurser och behov', '5. Insatser'],
      ['nb', 'Individuell plan', '1. Mål, ressurser og behov', '5. Tiltak'],
    ]) {
      await page.click(`form.los-lang button[name="lang"][value="${tag}"]`);
      await page.waitForLoadState('load');
      const landed = new URL(page.url()).pathname;
      await checkPage(`${landed} after choosing ${tag} on the plan page`, { lang: tag });
      if (landed !== plan.path) {
        // The switch goes back to the section's path (`next` is the navigation path), not the page.
        warnings.push(`language switch on ${plan.path} (${tag}) led to ${landed}, not back to the plan page`);
        await visit(plan.path, { lang: tag });
      }
      const heading = await mainHeadingText();
      assert(heading === h1, `${tag}: plan <h1> is ${JSON.stringify(heading)}, expected ${JSON.stringify(h1)}`);
      const goalsText = (await page.textContent('#h-goals')).trim();
      assert(goalsText === goals, `${tag}: first content heading is ${JSON.stringify(goalsText)}, expected ${JSON.stringify(goals)}`);
      const measuresText = (await page.textContent('#h-measures')).trim();
      assert(measuresText === measures, `${tag}: measures heading is ${JSON.stringify(measuresText)}, expected ${JSON.stringify(measures)}`);
      const pressed = await page.getAttribute(`form.los-lang button[value="${tag}"]`, 'aria-pressed');
      assert(pressed === 'true', `${tag}: language button aria-pressed=${pressed}`);
    }
  } finally {
    await resetLanguage();
  }
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

// ---- a leader: the waiting list and the key figures of a service of their organisation ----

const leader = { service: null };
const LEADER_ORGANIZATION = 'Porsgrunn kommune – Rustjenesten';
const LEADER_SERVICE = 'Rusteamet – oppfølging og LAR i kommunen';

function needService() {
  assert(leader.service, 'no service of the leader (an earlier step failed)');
}

step("leder: find a service of their organisation through the municipality's chain", async () => {
  await visit('/');
  const greeting = await mainHeadingText();
  assert(greeting === 'Hei, Lea', `front page greets ${JSON.stringify(greeting)}, expected the leader Lea`);
  const acting = (await page.textContent('section[aria-labelledby="h-role"]')).replace(/\s+/g, ' ');
  assert(acting.includes(`${LEADER_ORGANIZATION} – Tjenesteleder`), `the leader does not act as leader for ${LEADER_ORGANIZATION}: ${acting}`);
  await visit('/municipalities');
  await page.click('main a[href^="/chain/municipality/"]:text-is("Porsgrunn")');
  await page.waitForURL((url) => url.pathname.startsWith('/chain/municipality/'));
  await checkPage('the chain in Porsgrunn');
  await page.click(`main a[href^="/services/"]:text-is("${LEADER_SERVICE}")`);
  await page.waitForURL((url) => /^\/services\/[^/]+$/.test(url.pathname));
  const path = new URL(page.url()).pathname;
  await checkPage('service page', { path });
  assert((await mainHeadingText()) === LEADER_SERVICE, `service <h1> is ${JSON.stringify(await mainHeadingText())}`);
  assert((await page.textContent('main')).includes(LEADER_ORGANIZATION), `the service is not provided by ${LEADER_ORGANIZATION}`);
  leader.service = path;
});

step('leder: the waiting list of the service: axe, <h1>, a labelled table with column headers', async () => {
  needService();
  await visit(leader.service);
  await page.click(`main a[href="${leader.service}/waiting-list"]`);
  await page.waitForURL((url) => url.pathname === `${leader.service}/waiting-list`);
  await checkPage('waiting list', { path: `${leader.service}/waiting-list` });
  assert((await mainHeadingText()) === 'Venteliste', `waiting list <h1> is ${JSON.stringify(await mainHeadingText())}`);
  const table = page.locator('section[aria-labelledby="h-queue"] table.ds-table');
  assert((await table.count()) === 1, 'no waiting-list table');
  const info = await table.evaluate((t) => {
    const region = t.closest('[role="region"]');
    const labelled = region && region.getAttribute('aria-labelledby');
    return {
      caption: t.caption ? t.caption.textContent.trim() : '',
      region: labelled ? (document.getElementById(labelled) || { textContent: '' }).textContent.trim() : '',
      headers: [...t.querySelectorAll('thead th')].map((th) => [th.getAttribute('scope'), th.textContent.trim()]),
      rows: t.tBodies[0] ? t.tBodies[0].rows.length : 0,
    };
  });
  assert(info.caption || info.region, 'the waiting-list table has neither a caption nor a labelled region');
  assert(info.headers.length >= 5 && info.headers.every(([scope, text]) => scope === 'col' && text),
    `waiting-list column headers: ${JSON.stringify(info.headers)}`);
  assert(info.headers.some(([, text]) => text === 'Person'), `no "Person" column: ${JSON.stringify(info.headers)}`);
  assert(info.rows > 0, 'the demo waiting list is empty');
});

step('leder: the key figures of the service: axe, <h1>, every chart has a text alternative', async () => {
  needService();
  await visit(leader.service);
  await page.click(`main a[href="${leader.service}/dashboard"]`);
  await page.waitForURL((url) => url.pathname === `${leader.service}/dashboard`);
  await checkPage('service dashboard', { path: `${leader.service}/dashboard` });
  assert((await mainHeadingText()) === 'Nøkkeltall', `dashboard <h1> is ${JSON.stringify(await mainHeadingText())}`);
  const charts = await page.$$eval('main svg', (svgs) => svgs.map((svg) => {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const name = ids.map((id) => (document.getElementById(id) || { textContent: '' }).textContent.trim()).join(' ')
      || (svg.getAttribute('aria-label') || '').trim();
    const figure = svg.closest('figure');
    const caption = figure && figure.querySelector('figcaption') ? figure.querySelector('figcaption').textContent.trim() : '';
    return { role: svg.getAttribute('role'), hidden: svg.getAttribute('aria-hidden'), name, caption };
  }));
  assert(charts.length > 0, 'no chart on the dashboard');
  charts.forEach((c, i) => {
    assert(c.hidden === 'true' || (c.role === 'img' && c.name.length > 0),
      `chart ${i + 1} has no text alternative: ${JSON.stringify(c)}`);
    assert(c.caption.length > 0, `chart ${i + 1} has no figcaption`);
  });
  const figures = await page.$$eval('table[data-testid="dashboard-figures"] th[scope]', (ths) => ths.length);
  assert(figures > 0, 'the key figures table has no headers');
});

for (const sub of ['/housing', '/tallies']) {
  step(`leder: /services/{id}${sub}: 200, no console errors, axe, <h1>`, async () => {
    needService();
    await visit(`${leader.service}${sub}`);
    await assertMainHeading(`/services/{id}${sub}`);
  });
}

step("leder: the municipality's key figures: 200, no console errors, axe, <h1>, charts with a text alternative", async () => {
  await visit('/municipalities');
  await page.click('main a[href^="/chain/municipality/"]:text-is("Porsgrunn")');
  await page.waitForURL((url) => url.pathname.startsWith('/chain/municipality/'));
  await checkPage('the chain in Porsgrunn');
  const href = await page.getAttribute('main a[href^="/municipalities/"][href$="/dashboard"]', 'href');
  await page.click(`main a[href="${href}"]`);
  await page.waitForURL((url) => url.pathname === href);
  await checkPage('municipality dashboard', { path: href });
  assert((await mainHeadingText()) === 'Nøkkeltall', `dashboard <h1> is ${JSON.stringify(await mainHeadingText())}`);
  const unnamed = await page.$$eval('main svg[role="img"]', (svgs) => svgs.filter((svg) => {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    return !ids.some((id) => (document.getElementById(id) || { textContent: '' }).textContent.trim());
  }).length);
  assert(unnamed === 0, `${unnamed} chart(s) without a text alternative`);
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
