// Opens compiled BPMN files in bpmn-js (the modeler's own viewer, as in
// Camunda Modeler and bpmn.io) inside headless Debian Chromium and reports,
// per file: import warnings, page errors, how many shapes and connections
// bpmn-js drew; saves a screenshot of each.
//
// Usage: node tests/browser/bpmn.mjs NODE_TOOLS_DIR SCREENSHOT_DIR FILE.bpmn...
import path from 'node:path';
import { launchChromium, newPageWithErrors, toolsRequire } from './launch.mjs';
import fs from 'node:fs';

const [tools, shots, ...files] = process.argv.slice(2);

const bpmnJs = path.dirname(toolsRequire(tools).resolve('bpmn-js/package.json'));
const browser = await launchChromium(tools);
try {
  for (const file of files) {
    const { page, errors } = await newPageWithErrors(browser, 1800, 1200);
    await page.setContent('<!doctype html><html><body style="margin:0"><div id="canvas" style="width:1800px;height:1200px"></div></body></html>');
    await page.addStyleTag({ path: path.join(bpmnJs, 'dist/assets/diagram-js.css') });
    await page.addStyleTag({ path: path.join(bpmnJs, 'dist/assets/bpmn-js.css') });
    await page.addScriptTag({ path: path.join(bpmnJs, 'dist/bpmn-viewer.production.min.js') });
    const xml = fs.readFileSync(file, 'utf8');
    const seen = await page.evaluate(async (xml) => {
      const viewer = new window.BpmnJS({ container: '#canvas' });
      try {
        const { warnings } = await viewer.importXML(xml);
        viewer.get('canvas').zoom('fit-viewport');
        const all = viewer.get('elementRegistry').getAll();
        const drawn = (element) => element.type !== 'label' && element.parent;
        return {
          warnings: warnings.map((w) => w.message),
          shapes: all.filter((e) => drawn(e) && !e.waypoints).length,
          connections: all.filter((e) => drawn(e) && e.waypoints).length,
          gfx: document.querySelectorAll('.djs-element').length,
        };
      } catch (error) {
        return { warnings: [`import failed: ${error.message}`], shapes: 0, connections: 0, gfx: 0 };
      }
    }, xml);
    await page.screenshot({ path: path.join(shots, path.basename(file, '.bpmn') + '.bpmn.png') });
    console.log(JSON.stringify({ file: path.basename(file), errors, ...seen }));
    await page.close();
  }
} finally {
  await browser.close();
}
