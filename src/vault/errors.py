"""Errors a user can act on. Library code raises these; only the CLI turns them into messages."""

from collections.abc import Callable

# How an adapter spells an option's name: "limit" -> "--limit" on the command line.
Speller = Callable[[str], str]


class VaultError(Exception):
    """Base class: the message is shown to the user as one line."""


class VaultNotFound(VaultError):
    """No vault root could be found or the given one does not exist."""


class NoteNotFound(VaultError):
    """A reference matched no note."""

    def __init__(self, ref: str, suggestions: list[str] | tuple[str, ...] = ()):
        self.ref = ref
        self.suggestions = tuple(suggestions)
        msg = f"no note matches {ref!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(self.suggestions)
        super().__init__(msg)


class AmbiguousRef(VaultError):
    """A reference matched several notes."""

    def __init__(self, ref: str, candidates: list[str] | tuple[str, ...]):
        self.ref = ref
        self.candidates = tuple(candidates)
        super().__init__(
            f"{ref!r} matches {len(self.candidates)} notes: "
            + ", ".join(self.candidates)
            + "; give the full id"
        )


class InvalidInput(VaultError):
    """A bad argument: a malformed date, an empty title, an unreadable body file, ..."""


class OutsideVault(VaultError):
    """A path that would land outside the vault."""


class NotAGitRepo(VaultError):
    """A command that needs git was run on a vault that is not in a git work tree."""


class GitError(VaultError):
    """A git operation failed."""


class UntrustedGitConfig(GitError):
    """An untrusted repository's own git config sets keys vault does not know to be harmless
    (vault.git.trust), so vault runs no git there."""

    def __init__(self, keys: list[str], top: str):
        import shlex  # only when raised: every command imports this module

        self.keys = tuple(keys)
        more = f" (and {len(keys) - 1} more)" if len(keys) > 1 else ""
        super().__init__(
            f"this repository's git config sets {keys[0]}{more}, which vault does not know to "
            "be harmless, so vault runs no git here: remove it (`git config --unset-all "
            f"{shlex.quote(keys[0])}`) or, if the repository is yours to trust, "
            f"`git config --global --add vault.trusted {shlex.quote(top)}`"
        )


class IndexBusy(VaultError):
    """The search index stayed locked by another process past the timeout."""


class VaultBusy(VaultError):
    """Another vault process held the vault's write lock past the timeout."""


class StaleNote(VaultError):
    """The note changed since the caller read it (its sha256 is not the expected one)."""


class BadOption(InvalidInput):
    """A bad value for an option, or options that do not go together. It keeps the options'
    names apart from its text, so each caller names them its own way: the command line as
    flags (`--limit must be at least 1`), the MCP server as parameters (`limit must be ...`).

    `explain` writes the message given how to spell a name; str() spells them as names."""

    def __init__(self, names: str | tuple[str, ...], explain: Callable[[Speller], str]):
        self.names = (names,) if isinstance(names, str) else tuple(names)
        self.explain = explain
        super().__init__(explain(str))

    def naming(self, spell: Speller) -> str:
        """The message with every option's name spelled by `spell` (e.g. as its flag)."""
        return self.explain(spell)


class FileFailed(VaultError, OSError):
    """A file could not be read, written or moved: no permission, a full disk, a read-only
    file system, a name the file system refuses. Nothing was left half-written. Also an
    OSError, with the errno and file name of the failure, for code that handles those."""

    def __init__(self, doing: str, path: object, exc: OSError, hint: str = ""):
        super().__init__(exc.errno, exc.strerror, str(path))
        self.message = f"cannot {doing} {path}: {exc.strerror or exc}" + (hint and f"; {hint}")

    def __str__(self) -> str:
        return self.message


class StaleLock(GitError):
    """git's index.lock stayed unchanged with no git process at work: one left by a git
    command that was killed."""

    def __init__(self, path: object):
        import shlex

        super().__init__(
            f"{path} has not changed for a while and no git process holds it; remove it if "
            f"no git command is running: rm {shlex.quote(str(path))}"
        )


class NotCommitted(GitError):
    """A note was written (or removed) but git could not commit it, for a reason that will not
    pass by itself (a stale index.lock): the change is kept, so nothing is lost, and the
    command fails, so no script or agent takes it for committed."""

    def __init__(self, note_id: str, why: Exception, done: str = "written"):
        super().__init__(f"{note_id} was {done} but not committed: {why}")


class BareRepository(VaultNotFound):
    """--vault names a bare git repository or a folder inside a .git directory."""


class EditorFailed(VaultError):
    """`new --edit`: the editor failed, removed the note or left it empty; nothing was
    committed and no note was left behind."""


class DerivedDataGone(VaultError):
    """vault's derived-data folder (the search index, the cache) was deleted while in use."""


class DerivedDataInVault(VaultError):
    """The derived-data folder ($VAULT_CACHE_DIR, $XDG_CACHE_HOME/vault) would be inside the
    vault or its git work tree, where files arriving with the vault could pass for it."""
