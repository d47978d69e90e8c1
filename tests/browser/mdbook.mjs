// Opens pages of a book built by mdBook with `flowzap mdbook` in headless
// Debian Chromium (playwright-core) and reports, per page: page and console
// errors, and for each inline picture its id, drawn size, how many nodes it
// draws, the fill of its first node shape, and whether the book's own text
// kept its colour (the pictures' style rules must not reach the page);
// saves a screenshot of each page.
//
// Usage: node tests/browser/mdbook.mjs NODE_TOOLS_DIR SCREENSHOT_DIR PAGE.html...
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium, newPageWithErrors } from './launch.mjs';

const [tools, shots, ...pages] = process.argv.slice(2);

const browser = await launchChromium(tools);
try {
  for (const file of pages) {
    const { page, errors } = await newPageWithErrors(browser, 1400, 1000);
    await page.goto(pathToFileURL(path.resolve(file)).href);
    const seen = await page.evaluate(() => {
      const pictures = [...document.querySelectorAll('div.flowzap-diagram > svg')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const shape = svg.querySelector('.shape, .participant-head');
        return {
          id: svg.id,
          width: box.width,
          height: box.height,
          nodes: svg.querySelectorAll('g.node').length,
          messages: svg.querySelectorAll('g.message').length,
          shapeFill: shape ? getComputedStyle(shape).fill : null,
          titled: !!document.getElementById(svg.getAttribute('aria-labelledby').split(' ')[0]),
        };
      });
      const heading = document.querySelector('main h1');
      return { pictures, headingColor: heading ? getComputedStyle(heading).color : null, codeBlocks: document.querySelectorAll('code.language-flowzap').length };
    });
    await page.screenshot({ path: path.join(shots, `mdbook-${path.basename(file, '.html')}.png`), fullPage: true });
    console.log(JSON.stringify({ file: path.basename(file), errors, ...seen }));
    await page.close();
  }
} finally {
  await browser.close();
}
