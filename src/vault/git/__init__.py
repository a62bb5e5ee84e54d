"""Everything that touches git (GitPython only here): the repository, first-commit dates,
the log, and sync."""

from vault.git.repo import GitRepository, open_repository, require_repository

__all__ = ["GitRepository", "open_repository", "require_repository"]
