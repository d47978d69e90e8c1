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
