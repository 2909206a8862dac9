// The one way the browser tests start Debian's chromium (playwright-core): headless, a throwaway profile, and
// nothing sent to any host but 127.0.0.1 (the resolver rules map everything else to NOTFOUND).
//
//   const browser = await openChromium({ width: 1100, height: 850 });   // viewport, or none for playwright's default
//   ... browser.page ...
//   await browser.close();                                              // the browser and its profile
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.RFBA_CHROMIUM || '/usr/bin/chromium';

export async function openChromium(viewport) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfba-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(viewport ? { viewport } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-proxy-server',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  const page = context.pages()[0] || await context.newPage();
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
