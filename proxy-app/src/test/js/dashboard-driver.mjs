// Drives the admin port's dashboard (GET /) in headless Debian chromium (playwright-core) for DashboardBrowserIT.
//
// Usage: node dashboard-driver.mjs ADMIN_ORIGIN SCREENSHOT_DIR. Opens ADMIN_ORIGIN/ once; the page is never reloaded
// (a marker set on its window after the login must still be there at every step). One command per line on stdin, one
// answer line on stdout:
//   (start)                -> "login"                          (the page asks for the admin token)
//   token TOKEN            -> "ready URL STORED"               (typed into the form; the page's URL after it, and
//                                                                whether sessionStorage holds the token)
//   state ID STATE NAME    -> "state STATE COLOUR"             (waits until session ID shows STATE, as text and class;
//                                                                the badge's computed background; screenshot NAME.png)
//   viewer ID              -> "viewer CELL|CELL|..."           (the first viewer row of session ID, once there)
//   why ID                 -> "why TEXT"                       (why the session is in its state)
//   time ISO_INSTANT       -> "time TEXT"                      (the page's toLocaleTimeString() of it)
//   quit                   -> "clean" | "problems ..."   (script errors, CSP violations), then exits 0
// Nothing is sent to any host but 127.0.0.1: the resolver rules map everything else to NOTFOUND.
import path from 'node:path';
import readline from 'node:readline';
import { openChromium } from './chromium.mjs';

const WAIT_MS = 20000;
const [origin, shots] = process.argv.slice(2);

const browser = await openChromium({ width: 1100, height: 600 });
const page = browser.page;
const problems = [];
// Script errors and Content-Security-Policy violations; a 401 before the login is expected and not one.
page.on('console', (m) => { if (m.text().includes('Content Security Policy')) { problems.push(m.text()); } });
page.on('pageerror', (e) => problems.push(String(e.message || e)));

async function quit() {
  await browser.close();
  process.exit(0);
}

async function sameDocument() {
  if (!(await page.evaluate(() => window.rfbaSameDocument === true))) {
    throw new Error('the page was reloaded');
  }
}

try {
  await page.goto(`${origin}/`);
  await page.locator('#token').waitFor({ state: 'visible', timeout: WAIT_MS });
  console.log('login');
} catch (e) {
  console.log(`error ${String(e.message || e).split('\n')[0]}`);
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, ...args] = line.trim().split(' ');
  let answer;
  try {
    if (command === 'token') {
      await page.locator('#token').fill(args[0]);
      await page.locator('#login-submit').click();
      await page.locator('#login').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await page.evaluate(() => { window.rfbaSameDocument = true; });
      const stored = await page.evaluate((t) => sessionStorage.getItem('rfba-admin-token') === t, args[0]);
      answer = `ready ${page.url()} ${stored}`;
    } else if (command === 'state') {
      const [id, state, name] = args;
      await page.waitForFunction(([i, s]) => {
        const card = [...document.querySelectorAll('section.session')].find((c) => c.dataset.session === i);
        const badge = card && card.querySelector('.state');
        return card && card.classList.contains('state-' + s) && badge && badge.textContent === s;
      }, [id, state], { timeout: WAIT_MS });
      await sameDocument();
      const colour = await page.evaluate((i) => {
        const card = [...document.querySelectorAll('section.session')].find((c) => c.dataset.session === i);
        return getComputedStyle(card.querySelector('.state')).backgroundColor;
      }, id);
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
      answer = `state ${state} ${colour}`;
    } else if (command === 'viewer') {
      // Viewers come with the re-fetch that a state change from the stream starts, a moment after the state.
      await page.waitForFunction((i) => {
        const card = [...document.querySelectorAll('section.session')].find((c) => c.dataset.session === i);
        return card && card.querySelector('tr[data-viewer]');
      }, args[0], { timeout: WAIT_MS });
      const cells = await page.evaluate((i) => {
        const card = [...document.querySelectorAll('section.session')].find((c) => c.dataset.session === i);
        const row = card && card.querySelector('tr[data-viewer]');
        return row ? [...row.children].map((c) => c.textContent) : null;
      }, args[0]);
      answer = cells ? `viewer ${cells.join('|')}` : 'error no viewer row';
    } else if (command === 'why') {
      const text = await page.evaluate((i) => {
        const card = [...document.querySelectorAll('section.session')].find((c) => c.dataset.session === i);
        return card.querySelector('.why').textContent;
      }, args[0]);
      answer = `why ${text}`;
    } else if (command === 'time') {
      answer = `time ${await page.evaluate((t) => new Date(Date.parse(t)).toLocaleTimeString(), args[0])}`;
    } else if (command === 'quit') {
      console.log(problems.length ? `problems ${problems.join(' / ')}` : 'clean');
      await quit();
    } else {
      answer = `error unknown command ${command}`;
    }
  } catch (e) {
    answer = `error ${String(e.message || e).split('\n')[0]}`;
  }
  console.log(answer);
}
await quit();
