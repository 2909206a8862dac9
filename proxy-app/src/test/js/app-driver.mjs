// Opens noVNC's own application page (vnc.html of a noVNC release, here Debian's novnc package) that the proxy
// serves with --web, in headless Debian chromium (playwright-core), for NoVncAppIT: the walk-through of the README.
//
// Usage: node app-driver.mjs PAGE_URL SCREENSHOT. Prints one line and exits:
//   "connected WIDTHxHEIGHT STATUS" (the page's status line once it says Connected, and the canvas size) |
//   "error ..."
// Nothing is sent to any host but 127.0.0.1: the resolver rules map everything else to NOTFOUND.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.RFBA_CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 20000;
const [pageUrl, screenshot] = process.argv.slice(2);

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfba-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1100, height: 850 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-proxy-server',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});
const page = context.pages()[0] || await context.newPage();
let answer;
try {
  await page.goto(pageUrl);
  // noVNC's UI writes every state into #noVNC_status: "Connecting...", "Connected (unencrypted) to NAME",
  // "Failed to connect to server", "Disconnected".
  await page.waitForFunction(() => {
    const s = document.getElementById('noVNC_status');
    return s && /^(Connected|Failed|Disconnected|Something went wrong)/.test(s.textContent);
  }, null, { timeout: WAIT_MS });
  const status = await page.evaluate(() => document.getElementById('noVNC_status').textContent);
  if (!status.startsWith('Connected')) {
    answer = `error ${status}`;
  } else {
    await page.waitForFunction(() => {
      const c = document.querySelector('#noVNC_container canvas');
      return c && c.width > 0 && c.height > 0;
    }, null, { timeout: WAIT_MS });
    const size = await page.evaluate(() => {
      const c = document.querySelector('#noVNC_container canvas');
      return `${c.width}x${c.height}`;
    });
    answer = `connected ${size} ${status}`;
    await page.screenshot({ path: screenshot });
  }
} catch (e) {
  answer = `error ${String(e.message || e).split('\n')[0]}`;
}
console.log(answer);
await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
process.exit(0);
