// Drives noVNC 1.7 in headless Debian chromium (playwright-core) for NoVncBrowserIT.
//
// Serves viewer.html and node_modules/@novnc/novnc on 127.0.0.1 (an ephemeral port), launches chromium with the
// flags a closed network needs (no background networking, no component updates), then reads one command per line
// on stdin and answers one line on stdout:
//   (start)                      -> "ready http://127.0.0.1:PORT"   (the page origin the proxy must allow)
//   connect WS_URL PASSWORD|-    -> "connected WIDTHxHEIGHT" | "error ..."
//   move X Y                     -> "ok"    (real mouse motion over the canvas)
//   type KEY                     -> "ok"    (focus the canvas, press a Playwright key such as KeyA)
//   click X Y                    -> "ok"    (real mouse: a move to X Y over the canvas, left button down and up)
//   wheel DY                     -> "ok"    (one wheel event of DY pixels where the mouse is)
//   paste TEXT                   -> "ok"    (the page's paste into the session: rfb.clipboardPasteFrom(TEXT))
//   sent                         -> "sent {JSON}"  (input messages noVNC sent, by class: keys, pointer-motion,
//                                   pointer-buttons, clipboard; counted in viewer.html)
//   canvas                       -> "canvas HASH"  (FNV-1a of the canvas's pixels: changes when the picture does)
//   human SEED SECONDS           -> "ok"    (a person for about SECONDS, from a seeded model: mouse paths at varied
//                                   speeds with pauses, reading with 1-3 px nudges at random intervals, clicks,
//                                   typing bursts of test letters, scrolling; for ViewerRecordingIT)
//   jiggle PERIOD_MS COUNT       -> "ok"    (a mouse jiggler: 1 px right and back every PERIOD_MS, COUNT times)
//   tap KEY PERIOD_MS COUNT      -> "ok"    (a key jiggler: a lone KEY tap, e.g. ScrollLock or F15, every PERIOD_MS)
//   disconnect                   -> "disconnected"
//   closed                       -> "closed CODE REASON" once the proxy closed the WebSocket (code and reason of its
//                                   Close frame as the browser's CloseEvent reports them)
//   quit                         -> exits 0
// Nothing is sent to any host but 127.0.0.1: the resolver rules map everything else to NOTFOUND.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openChromium } from './chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json' };
const WAIT_MS = 20000;

function serve(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const file = path.normalize(path.join(here, decodeURIComponent(url.pathname)));
  const allowed = file === path.join(here, 'viewer.html') || file.startsWith(path.join(here, 'node_modules', '@novnc') + path.sep);
  if (!allowed || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
}

const server = http.createServer(serve);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await openChromium({ width: 1100, height: 850 });
const page = browser.page;

async function connect(wsUrl, password) {
  const query = new URLSearchParams({ ws: wsUrl });
  if (password !== '-') {
    query.set('password', password);
  }
  await page.goto(`${origin}/viewer.html?${query}`);
  // Until the page's module has run, rfbState is undefined, which must not pass for "no longer connecting".
  await page.waitForFunction(() => typeof window.rfbState === 'string'
    && (window.rfbState !== 'connecting' || window.rfbError), null, { timeout: WAIT_MS });
  const state = await page.evaluate(() => ({ state: window.rfbState, error: window.rfbError }));
  if (state.state !== 'connected') {
    return `error ${state.state} ${state.error}`;
  }
  // The first framebuffer update has arrived once the canvas has its size.
  await page.waitForFunction(() => {
    const c = document.querySelector('#screen canvas');
    return c && c.width > 0 && c.height > 0;
  }, null, { timeout: WAIT_MS });
  const size = await page.evaluate(() => {
    const c = document.querySelector('#screen canvas');
    return `${c.width}x${c.height}`;
  });
  return `connected ${size}`;
}

async function move(x, y) {
  const box = await page.locator('#screen canvas').boundingBox();
  await page.mouse.move(box.x + x, box.y + y, { steps: 5 });
  return 'ok';
}

async function type(key) {
  await page.locator('#screen canvas').focus();
  await page.keyboard.press(key);
  return 'ok';
}

async function click(x, y) {
  const box = await page.locator('#screen canvas').boundingBox();
  await page.mouse.click(box.x + x, box.y + y);
  return 'ok';
}

async function wheel(dy) {
  await page.mouse.wheel(0, dy);
  return 'ok';
}

async function paste(text) {
  await page.evaluate((t) => window.rfb.clipboardPasteFrom(t), text);
  return 'ok';
}

async function sent() {
  return `sent ${JSON.stringify(await page.evaluate(() => window.sent))}`;
}

async function canvas() {
  const hash = await page.evaluate(() => {
    const c = document.querySelector('#screen canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0x811c9dc5;
    for (let i = 0; i < data.length; i++) {
      h = Math.imul(h ^ data[i], 0x01000193);
    }
    return (h >>> 0).toString(16);
  });
  return `canvas ${hash}`;
}

// mulberry32: a small seeded generator, so a recorded session can be made again the same way.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function human(seed, seconds) {
  const random = seeded(seed);
  const between = (lo, hi) => lo + random() * (hi - lo);
  const box = await page.locator('#screen canvas').boundingBox();
  let x = 200;
  let y = 200;
  await page.mouse.move(box.x + x, box.y + y);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const what = random();
    if (what < 0.35) {
      // a path to somewhere else: eased steps, faster in the middle, sometimes a stop half-way
      const tx = between(20, box.width - 20);
      const ty = between(20, box.height - 20);
      const steps = Math.round(between(15, 60));
      const stepMs = between(6, 30);
      const fx = x;
      const fy = y;
      for (let i = 1; i <= steps; i++) {
        const f = 0.5 - Math.cos(Math.PI * i / steps) / 2;
        x = fx + (tx - fx) * f + between(-2, 2);
        y = fy + (ty - fy) * f + between(-2, 2);
        await page.mouse.move(box.x + x, box.y + y);
        await page.waitForTimeout(stepMs * between(0.5, 1.8));
        if (random() < 0.03) {
          await page.waitForTimeout(between(100, 600));
        }
      }
    } else if (what < 0.55) {
      // reading: still, with a few small nudges that do not come back, at no rhythm
      const nudges = Math.floor(between(0, 4));
      for (let i = 0; i < nudges; i++) {
        await page.waitForTimeout(between(700, 3500));
        x += Math.round(between(-3, 3)) || 1;
        y += Math.round(between(-3, 3));
        await page.mouse.move(box.x + x, box.y + y);
      }
      await page.waitForTimeout(between(300, 2000));
    } else if (what < 0.7) {
      await page.mouse.click(box.x + x, box.y + y, { delay: between(40, 140) });
      await page.waitForTimeout(between(150, 900));
    } else if (what < 0.85) {
      // a typing burst of test letters, uneven gaps
      await page.locator('#screen canvas').focus();
      const letters = 'asdfjklqwerty';
      const n = Math.round(between(3, 12));
      for (let i = 0; i < n; i++) {
        const letter = random() < 0.15 ? 'Space' : `Key${letters[Math.floor(random() * letters.length)].toUpperCase()}`;
        await page.keyboard.press(letter, { delay: between(30, 110) });
        await page.waitForTimeout(between(40, 260));
      }
      await page.waitForTimeout(between(200, 1200));
    } else {
      // scrolling: a few wheel turns, noVNC makes a notch of each 50 px
      const turns = Math.round(between(2, 7));
      const direction = random() < 0.7 ? 1 : -1;
      for (let i = 0; i < turns; i++) {
        await page.mouse.wheel(0, direction * Math.round(between(50, 160)));
        await page.waitForTimeout(between(40, 250));
      }
      await page.waitForTimeout(between(200, 1200));
    }
  }
  return 'ok';
}

// Waits until the absolute time start + ms, so a timer's period does not drift with the work of each tick.
async function until(start, ms) {
  const wait = start + ms - Date.now();
  if (wait > 0) {
    await page.waitForTimeout(wait);
  }
}

async function jiggle(periodMs, count) {
  const box = await page.locator('#screen canvas').boundingBox();
  const x = box.x + 400;
  const y = box.y + 300;
  await page.mouse.move(x, y);
  const start = Date.now();
  for (let i = 1; i <= count; i++) {
    await until(start, i * periodMs);
    await page.mouse.move(x + 1, y);
    await page.waitForTimeout(50);
    await page.mouse.move(x, y);
  }
  return 'ok';
}

// Keys Playwright's US layout lacks, pressed as trusted key events through the DevTools protocol: the Windows
// virtual key code a keyboard's F13-F24 have.
const CDP_KEYS = { F13: 124, F14: 125, F15: 126, F16: 127 };

async function press(key, holdMs) {
  const code = CDP_KEYS[key];
  if (code === undefined) {
    await page.keyboard.press(key, { delay: holdMs });
    return;
  }
  const cdp = await page.context().newCDPSession(page);
  const event = { key, code: key, windowsVirtualKeyCode: code, nativeVirtualKeyCode: code };
  await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...event });
  await page.waitForTimeout(holdMs);
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...event });
  await cdp.detach();
}

async function tap(key, periodMs, count) {
  await page.locator('#screen canvas').focus();
  const start = Date.now();
  for (let i = 1; i <= count; i++) {
    await until(start, i * periodMs);
    await press(key, 30);
  }
  return 'ok';
}

async function disconnect() {
  await page.evaluate(() => window.rfb.disconnect());
  await page.waitForFunction(() => window.rfbState !== 'connected', null, { timeout: WAIT_MS });
  return 'disconnected';
}

async function closed() {
  await page.waitForFunction(() => window.wsClose !== null, null, { timeout: WAIT_MS });
  return `closed ${await page.evaluate(() => window.wsClose)}`;
}

async function quit() {
  await browser.close();
  server.close();
  process.exit(0);
}

console.log(`ready ${origin}`);
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, ...args] = line.trim().split(/\s+/);
  let answer;
  try {
    switch (command) {
      case 'connect': answer = await connect(args[0], args[1] ?? '-'); break;
      case 'move': answer = await move(Number(args[0]), Number(args[1])); break;
      case 'type': answer = await type(args[0]); break;
      case 'click': answer = await click(Number(args[0]), Number(args[1])); break;
      case 'wheel': answer = await wheel(Number(args[0])); break;
      case 'paste': answer = await paste(args.join(' ')); break;
      case 'sent': answer = await sent(); break;
      case 'canvas': answer = await canvas(); break;
      case 'human': answer = await human(Number(args[0]), Number(args[1])); break;
      case 'jiggle': answer = await jiggle(Number(args[0]), Number(args[1])); break;
      case 'tap': answer = await tap(args[0], Number(args[1]), Number(args[2])); break;
      case 'disconnect': answer = await disconnect(); break;
      case 'closed': answer = await closed(); break;
      case 'quit': await quit(); break;
      default: answer = `error unknown command ${command}`;
    }
  } catch (e) {
    answer = `error ${String(e.message || e).split('\n')[0]}`;
  }
  console.log(answer);
}
await quit();
