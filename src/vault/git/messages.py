"""What git says, as the one line a user reads."""

from __future__ import annotations

GIT_MISSING = "git is not installed or not on PATH; install git to use history and commits"


def git_message(exc: Exception) -> str:
    """One line from a failed git command: its last two meaningful stderr lines."""
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
    return f"git {verb} failed: {detail}"
