// Opens rendered SVG files in headless Debian Chromium (playwright-core) and
// reports, per file: page and console errors, the drawn size, how many
// nodes, edges and visible texts there are; saves a screenshot of each.
//
// Usage: node tests/browser/check.mjs NODE_TOOLS_DIR SCREENSHOT_DIR FILE.svg...
import path from 'node:path';
import { launchChromium, newPageWithErrors } from './launch.mjs';
import fs from 'node:fs';

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
      const texts = [...svg.querySelectorAll('text')];
      return {
        root: svg.tagName,
        width: box.width,
        height: box.height,
        declaredWidth: Number(svg.getAttribute('width')),
        declaredHeight: Number(svg.getAttribute('height')),
        nodes: svg.querySelectorAll('g.node').length,
        edges: svg.querySelectorAll('g.edge').length,
        texts: texts.length,
        visibleTexts: texts.filter((t) => t.getBBox().width > 0).length,
      };
    });
    await page.locator('svg').first().screenshot({ path: path.join(shots, path.basename(file, '.svg') + '.png') });
    console.log(JSON.stringify({ file: path.basename(file), errors, ...seen }));
    await page.close();
  }
} finally {
  await browser.close();
}
