"""Revising notes without losing anything: `replace` (body text), `set` (metadata), `rm` and
`restore`. Every write is guarded by the hash the writer read, atomic, made under the vault's
write lock and committed on its own, with the provenance trailers (vault.repository)."""
