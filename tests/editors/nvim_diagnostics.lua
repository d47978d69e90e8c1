-- Headless Neovim as an editor client of `flowzap lsp`: opens a file,
-- attaches the server with Neovim's own LSP client, waits for the
-- diagnostics it publishes and writes them to a file, one per line:
-- `CODE LINE:COLUMN message` (0-based, as Neovim counts).
--
-- nvim --headless -u NONE -c "luafile tests/editors/nvim_diagnostics.lua"
-- with FLOWZAP_BIN, FLOWZAP_FILE and FLOWZAP_OUT set. Works with Neovim 0.7
-- (Debian's), which has start_client but not vim.lsp.start.
local binary = os.getenv('FLOWZAP_BIN')
local file = os.getenv('FLOWZAP_FILE')
local out = os.getenv('FLOWZAP_OUT')

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buffer = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = 'flowzap',
  cmd = { binary, 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
})
vim.lsp.buf_attach_client(buffer, client)

local received = vim.wait(20000, function()
  return #vim.diagnostic.get(buffer) > 0
end, 50)

local lines = {}
if received then
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    local code = diagnostic.code
    if code == nil and diagnostic.user_data and diagnostic.user_data.lsp then
      code = diagnostic.user_data.lsp.code
    end
    table.insert(lines, string.format('%s %d:%d %s', tostring(code), diagnostic.lnum, diagnostic.col,
      (diagnostic.message:gsub('\n.*', ''))))
  end
else
  table.insert(lines, 'no diagnostics within 20 s')
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client)
vim.cmd('qa!')
