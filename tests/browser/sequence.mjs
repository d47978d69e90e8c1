// Opens sequence-view SVGs in headless Debian Chromium (playwright-core) and
// reports, per file: page and console errors, the drawn size, how many
// messages and frames there are, and every pair of texts whose boxes, as
// the browser lays the text out with its own fonts, overlap; saves a
// screenshot of each.
//
// Usage: node tests/browser/sequence.mjs NODE_TOOLS_DIR SCREENSHOT_DIR FILE.svg...
import path from 'node:path';
import fs from 'node:fs';
import { launchChromium, newPageWithErrors } from './launch.mjs';

const [tools, shots, ...files] = process.argv.slice(2);

const browser = await launchChromium(tools);
try {
  for (const file of files) {
    const { page, errors } = await newPageWithErrors(browser, 1600, 1200);
    // Inline in a page, as documentation embeds it.
    const svgText = fs.readFileSync(file, 'utf8');
    await page.setContent(`<!doctype html><html><body style="margin:0">${svgText}</body></html>`);
    const seen = await page.evaluate(() => {
      const svg = document.querySelector('svg');
      const box = svg.getBoundingClientRect();
      // One box per line of text: a tspan's, or the text's own.
      const lines = [];
      for (const text of svg.querySelectorAll('text')) {
        const spans = [...text.querySelectorAll('tspan')];
        for (const element of spans.length ? spans : [text]) {
          const b = element.getBBox();
          if (b.width > 0) lines.push({ text: element.textContent, x: b.x, y: b.y, w: b.width, h: b.height });
        }
      }
      const overlaps = [];
      for (let i = 0; i < lines.length; i++) {
        for (let j = i + 1; j < lines.length; j++) {
          const a = lines[i], b = lines[j];
          // 1 px of slack: glyph boxes include the line's leading.
          if (a.x + 1 < b.x + b.w && b.x + 1 < a.x + a.w && a.y + 2 < b.y + b.h && b.y + 2 < a.y + a.h) {
            overlaps.push(`${a.text} / ${b.text}`);
          }
        }
      }
      return {
        root: svg.tagName,
        width: box.width,
        height: box.height,
        declaredWidth: Number(svg.getAttribute('width')),
        declaredHeight: Number(svg.getAttribute('height')),
        messages: svg.querySelectorAll('g.message').length,
        frames: svg.querySelectorAll('g.frame').length,
        lines: lines.length,
        overlaps,
      };
    });
    await page.locator('svg').first().screenshot({ path: path.join(shots, 'sequence-' + path.basename(file, '.svg') + '.png') });
    console.log(JSON.stringify({ file: path.basename(file), errors, ...seen }));
    await page.close();
  }
} finally {
  await browser.close();
}
