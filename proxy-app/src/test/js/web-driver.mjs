// Opens a noVNC page that the proxy itself serves (--web) in headless Debian chromium (playwright-core) for
// NoVncWebIT, and reports whether noVNC connected through the same port.
//
// Usage: node web-driver.mjs PAGE_URL SCREENSHOT. Prints one line and exits:
//   "connected WIDTHxHEIGHT" (noVNC's connect event, then the first framebuffer update) | "error ..."
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
  await page.waitForFunction(() => window.rfbState && (window.rfbState !== 'connecting' || window.rfbError), null,
    { timeout: WAIT_MS });
  const state = await page.evaluate(() => ({ state: window.rfbState, error: window.rfbError }));
  if (state.state !== 'connected') {
    answer = `error ${state.state} ${state.error}`;
  } else {
    await page.waitForFunction(() => {
      const c = document.querySelector('#screen canvas');
      return c && c.width > 0 && c.height > 0;
    }, null, { timeout: WAIT_MS });
    answer = `connected ${await page.evaluate(() => {
      const c = document.querySelector('#screen canvas');
      return `${c.width}x${c.height}`;
    })}`;
    await page.screenshot({ path: screenshot });
  }
} catch (e) {
  answer = `error ${String(e.message || e).split('\n')[0]}`;
}
console.log(answer);
await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
process.exit(0);
