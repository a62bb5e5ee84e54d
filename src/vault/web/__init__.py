"""The vault in the browser, on `vault serve`: pages, templates and the web stack (Starlette,
Jinja2, markdown-it-py) only here. An adapter like the CLI and the MCP server: it gathers
data with the library functions they call and shows it; vault.mcp.http mounts it."""
