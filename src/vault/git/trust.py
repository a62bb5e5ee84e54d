"""A vault's .git can arrive with the vault: unzipped from a colleague, copied from another
machine. Its config and hooks can name programs that git runs (a pre-commit hook, a
`core.fsmonitor` command, a clean filter on `git add`, an `uploadpack` command on fetch).
So vault runs git with every such setting of the repository switched off, unless the user
has said the repository is theirs to trust, in their own git config, outside any vault:

    git config --global --add vault.trusted /path/to/vault      # or "*" for every vault

A clone brings no hooks and no config, so nothing is lost for it; a repository with hooks
of its own runs them once trusted.
"""

from __future__ import annotations

import os
import re

# Settings that make git run a command (or sign with one), and what neutralises each. Set
# through the environment (GIT_CONFIG_COUNT/KEY/VALUE), which git ranks above every config
# file and passes on to the git processes it starts.
_ALWAYS = (
    ("core.hooksPath", os.devnull),  # no hook is found under /dev/null
    ("core.fsmonitor", "false"),
    ("core.sshCommand", "ssh"),
    ("core.askPass", ""),
    ("core.alternateRefsCommand", ""),
    ("core.editor", "true"),
    ("sequence.editor", "true"),
    ("credential.helper", ""),  # an empty value clears the list of helpers
    ("protocol.ext.allow", "never"),
    ("commit.gpgSign", "false"),
    ("tag.gpgSign", "false"),
    ("diff.external", ""),
)
# Named drivers, found in the repository's own config. (A remote's uploadpack and
# receivepack cannot be overridden this way: git keeps the first it reads; see
# GitRepository.transport_args.)
_NAMED = re.compile(
    r"^(filter\.[^\n]+\.(?:clean|smudge|process|required)|diff\.[^\n]+\.(?:command|textconv)"
    r"|merge\.[^\n]+\.driver)$",
    re.IGNORECASE,
)
_NEUTRAL = {
    "driver": "false",  # a merge driver that fails: the file is a conflict, nothing runs
    "required": "false",  # a filter switched off must not then be an error
}


def trusted(git, top: str) -> bool:
    """Whether the user's global or system git config lists this work tree (or "*") under
    vault.trusted. The repository's own config is never asked: it may be the attacker's."""
    real = os.path.realpath(top)
    for scope in ("--global", "--system"):
        out = git.config(scope, "--get-all", "vault.trusted", with_exceptions=False)
        for value in out.splitlines():
            value = value.strip()
            if value == "*" or (value and os.path.realpath(os.path.expanduser(value)) == real):
                return True
    return False


def overrides(git) -> list[tuple[str, str]]:
    """The settings that keep this repository's config and hooks from running anything."""
    names = git.config("--local", "--includes", "--name-only", "--list", with_exceptions=False)
    out = list(_ALWAYS)
    for name in sorted({n.strip() for n in names.splitlines()}):
        if _NAMED.match(name):
            out.append((name, _NEUTRAL.get(name.rsplit(".", 1)[1].lower(), "")))
    return out


def as_environment(settings: list[tuple[str, str]]) -> dict[str, str]:
    """GIT_CONFIG_COUNT/KEY_n/VALUE_n for `settings`, after any the user already set."""
    start = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    env = {"GIT_CONFIG_COUNT": str(start + len(settings))}
    for n, (key, value) in enumerate(settings, start):
        env[f"GIT_CONFIG_KEY_{n}"] = key
        env[f"GIT_CONFIG_VALUE_{n}"] = value
    return env
