"""vault: a command-line manager for research-notes memory vaults."""

__version__ = "0.1.0"
