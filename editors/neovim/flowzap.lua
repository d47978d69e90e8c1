-- flowzap for Neovim: put this in your config (init.lua, or
-- ~/.config/nvim/plugin/flowzap.lua). `.fz` and `.flowzap` files get the
-- `flowzap` filetype and `flowzap lsp` as their language server.
vim.filetype.add({ extension = { fz = 'flowzap', flowzap = 'flowzap' } })

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'flowzap',
  callback = function(event)
    vim.bo[event.buf].commentstring = '// %s'
    local config = {
      name = 'flowzap',
      cmd = { 'flowzap', 'lsp' },
      root_dir = vim.fs and vim.fs.dirname(vim.api.nvim_buf_get_name(event.buf)) or vim.fn.getcwd(),
    }
    if vim.lsp.start then
      vim.lsp.start(config) -- Neovim 0.8 and later
    else
      vim.lsp.buf_attach_client(event.buf, vim.lsp.start_client(config)) -- Neovim 0.7
    end
  end,
})
