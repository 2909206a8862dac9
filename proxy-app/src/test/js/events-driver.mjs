// Opens an EventSource on the proxy's /api/events in headless Debian chromium (playwright-core) for
// EventSourceBrowserIT.
//
// Usage: node events-driver.mjs ADMIN_ORIGIN TOKEN. The page is the admin port's own /healthz, so that the stream is
// same-origin (no CORS), and the token travels as access_token because EventSource cannot send headers. Answers one
// line on stdout per step:
//   (start)                      -> "open"                (the EventSource reported open)
//   next                         -> "event ID DATA"       (the next session.state_changed event, its lastEventId
//                                                           and data) | "error ..."
//   quit                         -> exits 0
// Nothing is sent to any host but 127.0.0.1: the resolver rules map everything else to NOTFOUND.
import readline from 'node:readline';
import { openChromium } from './chromium.mjs';

const WAIT_MS = 20000;
const [origin, token] = process.argv.slice(2);

const browser = await openChromium();
const page = browser.page;

async function quit() {
  await browser.close();
  process.exit(0);
}

try {
  await page.goto(`${origin}/healthz`);
  await page.evaluate((t) => {
    window.received = [];
    window.opened = false;
    const source = new EventSource('/api/events?access_token=' + encodeURIComponent(t));
    source.onopen = () => { window.opened = true; };
    source.addEventListener('session.state_changed', (e) => window.received.push({ id: e.lastEventId, data: e.data }));
  }, token);
  await page.waitForFunction(() => window.opened, null, { timeout: WAIT_MS });
  console.log('open');
} catch (e) {
  console.log(`error ${String(e.message || e).split('\n')[0]}`);
}

let taken = 0;
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = line.trim();
  let answer;
  try {
    if (command === 'next') {
      await page.waitForFunction((n) => window.received.length > n, taken, { timeout: WAIT_MS });
      const e = await page.evaluate((n) => window.received[n], taken);
      taken++;
      answer = `event ${e.id} ${e.data}`;
    } else if (command === 'quit') {
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
