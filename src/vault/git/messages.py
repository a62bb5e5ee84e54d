"""What git says, as the one line a user reads (credentials removed)."""

from __future__ import annotations

import re

GIT_MISSING = "git is not installed or not on PATH; install git to use history and commits"

# scheme://userinfo@ in a URL: the user name and password (or a token) of a remote.
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<info>[^/@\s'\"]+)@")


def redact(text: str) -> str:
    """`text` with the credentials in every URL replaced by ***: the whole user part of an
    http(s) or ftp(s) URL (tokens are often given as the user name), the password of any
    other (ssh://git@host keeps its user, which is no secret)."""

    def hide(m: re.Match[str]) -> str:
        scheme, info = m["scheme"], m["info"]
        if scheme.lower().startswith(("http", "ftp")):
            return f"{scheme}***@"
        user, sep, _password = info.partition(":")
        return f"{scheme}{user}{':***' if sep else ''}@"

    return _USERINFO.sub(hide, text)


def git_message(exc: Exception) -> str:
    """One line from a failed git command: its last two meaningful stderr lines, with any
    credentials removed."""
    stderr = str(getattr(exc, "stderr", "") or "").strip()
    lines = [ln.strip().removeprefix("stderr:").strip(" '") for ln in stderr.splitlines()]
    # git's "hint:" lines say how to silence the hint, not what went wrong.
    lines = [ln for ln in lines if ln and not ln.startswith("hint:")]
    detail = "; ".join(lines[-2:]) or str(exc)
    cmd = getattr(exc, "command", None)
    verb = "git"
    if isinstance(cmd, list | tuple):
        # The subcommand: the first word after "git" and its global options.
        words = [str(w) for w in cmd[1:] if not str(w).startswith("-")]
        verb = words[0] if words else "git"
    return redact(f"git {verb} failed: {detail}")
