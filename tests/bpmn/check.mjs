// Imports BPMN files the way a modeler does (bpmn-moddle, with the Camunda 7
// or Zeebe descriptor for those engines' files) and lints them with
// bpmnlint's recommended rules, plus the camunda-compat rules of the
// platform version a Camunda file declares. Prints one JSON object per file:
// {file, warnings: [...], lint: [{rule, id, message, category}]}.
// Usage: node check.mjs TOOLS_DIR ENGINE FILE...
// (ENGINE: spiff, camunda7, camunda8 or bpmn-engine, as `--engine` says)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [toolsDir, engine, ...files] = process.argv.slice(2);
const require = createRequire(path.resolve(toolsDir, 'node_modules', 'package.json'));
const { BpmnModdle } = await import(require.resolve('bpmn-moddle'));
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

const extensions = {
  camunda7: { camunda: require('camunda-bpmn-moddle/resources/camunda.json') },
  camunda8: { zeebe: require('zeebe-bpmn-moddle/resources/zeebe.json') },
}[engine] ?? {};
// The platform versions flowzap declares (modeler:executionPlatformVersion).
const compat = {
  camunda7: ['plugin:camunda-compat/camunda-platform-7-22'],
  camunda8: ['plugin:camunda-compat/camunda-cloud-8-6'],
}[engine] ?? [];
if (!['spiff', 'camunda7', 'camunda8', 'bpmn-engine'].includes(engine)) {
  console.error(`unknown engine ${engine}`);
  process.exit(2);
}

const results = [];
for (const file of files) {
  // A linter per file: rule instances keep state between lint() calls
  // (no-duplicate-sequence-flows would match flows of earlier files).
  const linter = new Linter({
    config: { extends: ['bpmnlint:recommended', ...compat] },
    resolver: new NodeResolver({ require }),
  });
  const moddle = new BpmnModdle(extensions);
  const xml = readFileSync(file, 'utf8');
  const entry = { file, warnings: [], lint: [] };
  try {
    const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
    entry.warnings = warnings.map((w) => w.message);
    const reports = await linter.lint(rootElement);
    for (const [rule, list] of Object.entries(reports)) {
      for (const report of list) {
        entry.lint.push({ rule, id: report.id, message: report.message, category: report.category });
      }
    }
  } catch (error) {
    entry.warnings.push(`import failed: ${error.message}`);
  }
  results.push(entry);
}
console.log(JSON.stringify(results, null, 1));
