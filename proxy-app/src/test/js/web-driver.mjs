// Opens a noVNC page that the proxy itself serves (--web) in headless Debian chromium (playwright-core) for
// NoVncWebIT, and reports whether noVNC connected through the same port.
//
// Usage: node web-driver.mjs PAGE_URL SCREENSHOT. Prints one line and exits:
//   "connected WIDTHxHEIGHT" (noVNC's connect event, then the first framebuffer update) | "error ..."
// Nothing is sent to any host but 127.0.0.1: the resolver rules map everything else to NOTFOUND.
import { openChromium } from './chromium.mjs';

const WAIT_MS = 20000;
const [pageUrl, screenshot] = process.argv.slice(2);

const browser = await openChromium({ width: 1100, height: 850 });
const page = browser.page;
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
await browser.close();
process.exit(0);
