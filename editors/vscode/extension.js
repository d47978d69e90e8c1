// Starts `flowzap lsp` for .fz and .flowzap files. Everything the editor
// shows comes from the server; this file only connects the two.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('flowzap').get('path', 'flowzap');
  const server = { command, args: ['lsp'] };
  client = new LanguageClient(
    'flowzap',
    'FlowZap',
    { run: server, debug: server },
    { documentSelector: [{ language: 'flowzap' }] },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
