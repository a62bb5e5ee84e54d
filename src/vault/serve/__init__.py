"""`vault serve`: one resident process per vault. It keeps the catalog warm (resident.py) and
fresh (watch.py), answers the CLI's read commands over a Unix socket in the vault's state
folder (listener.py, client.py, wire.py) and MCP over HTTP behind a token (guard.py); the
process itself, its one-per-vault lock and its state file are in process.py and place.py."""
