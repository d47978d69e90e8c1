// Opens the live preview of `flowzap watch --serve` in headless Debian
// Chromium, saves the watched file, and reports whether the page's diagram
// followed: the new label drawn, the diagnostics overlay on an invalid save,
// gone again after the fix. Prints one JSON object; saves screenshots.
//
// Usage: node tests/browser/watch.mjs NODE_TOOLS_DIR SCREENSHOT_DIR URL FILE
import path from 'node:path';
import { launchChromium } from './launch.mjs';
import fs from 'node:fs';

const [tools, shots, url, file] = process.argv.slice(2);

const diagram = (label) => `desk { # Help desk
n1: circle label:"Ticket in"
n2: rectangle label:"${label}"
n3: circle label:"Closed"
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
}
`;

const browser = await launchChromium(tools);
const result = { errors: [], steps: {} };
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => result.errors.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') result.errors.push(message.text()); });
  await page.setViewportSize({ width: 1000, height: 600 });
  await page.goto(url);
  const drawn = (label) => page.waitForFunction(
    (label) => [...document.querySelectorAll('section.file svg text')].some((t) => t.textContent.includes(label)),
    label, { timeout: 10000 }).then(() => true, () => false);
  result.steps.first = await drawn('Alpha');
  const started = Date.now();
  fs.writeFileSync(file, diagram('Beta'));
  result.steps.afterSave = await drawn('Beta');
  result.steps.saveToPictureMs = Date.now() - started;
  await page.screenshot({ path: path.join(shots, 'watch-preview.png') });
  fs.writeFileSync(file, diagram('Gamma').replace('n2: rectangle', 'n2: rectangel'));
  result.steps.overlay = await page.waitForFunction(() => {
    const overlay = document.querySelector('section.file .overlay');
    return overlay && overlay.classList.contains('shown') && overlay.textContent.includes('rectangel');
  }, null, { timeout: 10000 }).then(() => true, () => false);
  result.steps.lastGoodKept = await page.evaluate(
    () => [...document.querySelectorAll('section.file svg text')].some((t) => t.textContent.includes('Beta')));
  await page.screenshot({ path: path.join(shots, 'watch-preview-error.png') });
  fs.writeFileSync(file, diagram('Delta'));
  result.steps.fixed = await drawn('Delta');
  result.steps.overlayGone = await page.evaluate(
    () => !document.querySelector('section.file .overlay').classList.contains('shown'));
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
