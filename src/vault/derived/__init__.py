"""Data derived from every note and kept outside the vault (the search index; vectors next):
what such stores share, so each only applies what this package works out."""
