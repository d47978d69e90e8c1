// Tokenizes files with the VS Code extension's TextMate grammar, through
// vscode-textmate and vscode-oniguruma (the tokenizer VS Code itself runs),
// and prints one JSON line per file: for each line, its tokens as
// [text, innermost scope].
//
// Usage: node tests/editors/tokenize.mjs NODE_TOOLS_DIR GRAMMAR FILE...
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [tools, grammarPath, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(tools), 'package.json'));
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
await oniguruma.loadWASM(wasm.buffer);
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async () => textmate.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
});
const grammar = await registry.loadGrammar('source.flowzap');
for (const file of files) {
  let state = textmate.INITIAL;
  const lines = [];
  // VS Code drops a byte-order mark before tokenizing.
  for (const line of fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const result = grammar.tokenizeLine(line, state);
    lines.push(result.tokens.map((token) => [line.slice(token.startIndex, token.endIndex), token.scopes[token.scopes.length - 1]]));
    state = result.ruleStack;
  }
  console.log(JSON.stringify({ file: path.basename(file), lines }));
}
