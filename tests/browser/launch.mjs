// Headless Debian Chromium through playwright-core from the test tools
// folder, started the same way by every browser test.
import { createRequire } from 'node:module';
import path from 'node:path';

/** `require` that resolves the npm packages installed in the tools folder. */
export function toolsRequire(tools) {
  return createRequire(path.join(path.resolve(tools), 'package.json'));
}

export async function launchChromium(tools) {
  const { chromium } = toolsRequire(tools)('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new page that gathers console errors and uncaught exceptions into the
 * returned `errors` list, at the given viewport size.
 */
export async function newPageWithErrors(browser, width, height) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.setViewportSize({ width, height });
  return { page, errors };
}
