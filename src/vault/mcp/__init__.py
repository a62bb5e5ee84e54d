"""The MCP server (`vault mcp`): the mcp SDK only here. An adapter like the CLI: it calls the
same library functions and returns the same JSON shapes (vault.render)."""
