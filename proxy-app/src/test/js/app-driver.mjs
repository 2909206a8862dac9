// Opens noVNC's own application page (vnc.html of a noVNC release, here Debian's novnc package) that the proxy
// serves with --web, in headless Debian chromium (playwright-core), for NoVncAppIT: the walk-through of the README.
//
// Usage: node app-driver.mjs PAGE_URL SCREENSHOT. Prints one line and exits:
//   "connected WIDTHxHEIGHT STATUS" (the page's status line once it says Connected, and the canvas size) |
//   "error ..."
// Nothing is sent to any host but 127.0.0.1: the resolver rules map everything else to NOTFOUND.
import { openChromium } from './chromium.mjs';

const WAIT_MS = 20000;
const [pageUrl, screenshot] = process.argv.slice(2);

const browser = await openChromium({ width: 1100, height: 850 });
const page = browser.page;
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
await browser.close();
process.exit(0);
