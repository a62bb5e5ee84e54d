"""GitPython, imported on first use: the one place that knows it needs the git executable.

Without git on PATH GitPython's import fails with a page of advice (an ImportError raised
while the module loads); vault says so in one line instead.
"""

from __future__ import annotations

import os
import shutil
from types import ModuleType

from vault.errors import GitError
from vault.git.messages import GIT_MISSING


def git_executable() -> str | None:
    """The git program GitPython would run ($GIT_PYTHON_GIT_EXECUTABLE, else git on
    PATH), or None when there is none."""
    return shutil.which(os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git")


def gitpython() -> ModuleType:
    """The `git` module (GitPython); GitError when the git executable is missing."""
    if git_executable() is None:
        raise GitError(GIT_MISSING)
    try:
        import git
    except ImportError:  # GitPython found no usable git after all
        raise GitError(GIT_MISSING) from None
    return git
