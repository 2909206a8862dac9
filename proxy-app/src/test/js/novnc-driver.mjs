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
