"""A vault's .git can arrive with the vault: unzipped from a colleague, copied from another
machine. Its hooks and its config can make git run programs (a pre-commit hook, a
`core.fsmonitor` command, a clean filter on `git add`, a `core.gitProxy` on fetch, a
`gpg.program` on a signed push, a remote helper an alias implements). So, unless the user
trusts the repository, vault reads the names of the keys the repository's own config sets
(`.git/config`, its worktree config and the files they include; reading config runs nothing)
and sorts each one:

- harmless (`_HARMLESS_KEYS`, an allowlist: the config of a clone, user and branch settings,
  colours, aliases, packing and gc tuning, ...): left alone;
- naming a program, or making git run one (`_PROGRAM_KEYS`): overridden with a value that runs
  nothing, through the environment (GIT_CONFIG_COUNT/KEY/VALUE), which git ranks above every
  config file and passes on to the git processes it starts. Two keys git reads first-match-
  wins cannot be overridden that way: core.gitProxy (an empty $GIT_PROXY_COMMAND, which git
  reads before any config, switches it off) and a remote's uploadpack/receivepack
  (GitRepository.transport_args);
- anything else: vault runs no git for that repository and says which key to remove. Git
  gains keys that run programs over time (`hook.<name>.command`, `gc.recentObjectsHook`); an
  allowlist refuses them until someone has read what they do.

Whatever the repository says, an untrusted one also gets no hooks (core.hooksPath), no
credential helper, no signing, no submodule recursion, and only the transports git builds
in (file, git, http, https, ssh; never ext::, fd:: or a remote helper, which an alias or a
url.<base>.insteadOf could otherwise supply). Aliases are harmless for that reason: git
runs an alias only for a command vault types (vault types none) or for a helper it looks for
(`git remote-<name>`: none is allowed; `git credential-<name>`: no helper is left), and an
alias with one of those names is refused anyway.

The user trusts a repository in their own git config, outside any vault:

    git config --global --add vault.trusted /path/to/vault      # or "*" for every vault

and a trusted repository's config and hooks then run as they would for git itself. A clone
brings no hooks and an ordinary config, so nothing is lost for it.
"""

from __future__ import annotations

import os
import re
from functools import cache

from vault.errors import GitError, UntrustedGitConfig
from vault.git.gitpython import gitpython
from vault.git.messages import git_message

# The transports an untrusted repository may use: the ones git builds in.
SAFE_PROTOCOLS = ("file", "git", "http", "https", "ssh")

# Set for every untrusted repository, whatever its config says.
_ALWAYS = (
    ("core.hooksPath", os.devnull),  # no hook is found under /dev/null
    ("core.fsmonitor", "false"),
    ("core.sshCommand", "ssh"),
    ("core.askPass", ""),
    ("core.alternateRefsCommand", ""),
    ("core.editor", "true"),
    ("core.pager", ""),  # an empty pager is no pager
    ("sequence.editor", "true"),
    ("credential.helper", ""),  # an empty value clears the list of helpers
    ("commit.gpgSign", "false"),
    ("tag.gpgSign", "false"),
    ("tag.forceSignAnnotated", "false"),
    ("push.gpgSign", "false"),
    ("merge.verifySignatures", "false"),
    ("log.showSignature", "false"),
    ("diff.external", ""),
    # A submodule has a config of its own, which nobody has read.
    ("submodule.recurse", "false"),
    ("fetch.recurseSubmodules", "false"),
    ("push.recurseSubmodules", "no"),
    ("diff.ignoreSubmodules", "all"),
    ("protocol.allow", "never"),
    *((f"protocol.{name}.allow", "always") for name in SAFE_PROTOCOLS),
)

# Key name patterns (matched case-insensitively; <x> stands for any subsection) the
# repository may set without vault doing anything: they name no program and make git run
# none. Families git keeps to data (colours, advice, packing) are allowed whole.
_HARMLESS_KEYS = r"""
core.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode
  |symlinks|autocrlf|eol|safecrlf|quotepath|checkstat|trustctime|ignorestat|abbrev
  |commentchar|commentstring|compression|loosecompression|bigfilethreshold
  |deltabasecachelimit|packedgitlimit|packedgitwindowsize|preloadindex|untrackedcache
  |splitindex|sparsecheckout|sparsecheckoutcone|multipackindex|commitgraph
  |warnambiguousrefs|whitespace|sharedrepository|fsync|fsyncmethod|fsyncobjectfiles
  |checkroundtripencoding|createobject|filesreflocktimeout|packedrefstimeout
  |configlocktimeout|alternaterefsprefixes|fsmonitorhookversion|preferSymlinkRefs
  |longpaths|fscache|hidedotfiles|maxtreedepth)
extensions.(?!partialclone$)[^.]+
remote.<x>.(url|pushurl|fetch|push|tagopt|prune|prunetags|mirror|skipdefaultupdate
  |skipfetchall|followremotehead)
remote.pushdefault
remotes.<x>
branch.<x>.(remote|merge|rebase|pushremote|description)
branch.(autosetupmerge|autosetuprebase|sort)
user.(name|email|useconfigonly)
(author|committer).(name|email)
init.defaultbranch
pull.(rebase|ff)
push.(default|autosetupremote|followtags|pushoption|usebitmaps|negotiate)
fetch.(prune|prunetags|parallel|writecommitgraph|showforcedupdates|unpacklimit
  |fsckobjects|output|negotiationalgorithm)
rebase.(autostash|autosquash|updaterefs|stat|abbreviatecommands|missingcommitscheck
  |reschedulefailedexec|forkpoint|rebasemerges|instructionformat|backend)
merge.(conflictstyle|ff|log|renames|renamelimit|directoryrenames|stat|autostash|tool
  |guitool|defaulttoupstream|branchdesc|suppressdest)
merge.<x>.(name|recursive)
diff.(renames|renamelimit|algorithm|colormoved|colormovedws|context|interhunkcontext
  |mnemonicprefix|noprefix|relative|statgraphwidth|statnamewidth|submodule
  |suppressblankempty|wserrorhighlight|indentheuristic|autorefreshindex|dirstat|tool
  |guitool)
diff.<x>.(binary|xfuncname|funcname|wordregex|cachetextconv)
(mergetool|difftool).(prompt|keepbackup|keeptemporaries|writetotemp|hideresolved
  |trustexitcode)
commit.(cleanup|status|verbose)
tag.sort
status.[^.]+
log.(date|decorate|abbrevcommit|follow|graphcolors|mailmap|showroot|excludedecoration
  |initialdecorationset|diffmerges)
i18n.(commitencoding|logoutputencoding)
rerere.(enabled|autoupdate)
gc.(?!recentobjectshook$)[^.]+
gc.<x>.(reflogexpire|reflogexpireunreachable)
maintenance.(auto|strategy|autodetach)
maintenance.<x>.(enabled|schedule|auto)
(pack|index|feature|commitgraph|splitindex|reftable|color|advice|column).[^.]+
color.<x>.[^.]+
transfer.(fsckobjects|unpacklimit|hiderefs|credentialsinurl|advertisesid)
receive.(denycurrentbranch|denynonfastforwards|denydeletes|denydeletecurrent
  |fsckobjects|unpacklimit|autogc|updateserverinfo|shallowupdate|hiderefs
  |advertiseatomic|advertisepushoptions|keepalive|maxinputsize|certnonceseed
  |certnonceslop)
uploadpack.(allowtipsha1inwant|allowreachablesha1inwant|allowanysha1inwant|allowfilter
  |allowrefinwant|keepalive|hiderefs)
url.<x>.(insteadof|pushinsteadof)
http.(<x>.)?(postbuffer|lowspeedlimit|lowspeedtime|version|sslverify|sslbackend|proxy
  |followredirects|emptyauth|maxrequests|minsessions)
credential.(<x>.)?(username|usehttppath|interactive)
protocol.version
submodule.<x>.(url|active|branch|fetchrecursesubmodules|ignore|shallow)
submodule.(active|fetchjobs)
checkout.(defaultremote|workers)
clone.defaultremotename
worktree.guessremote
stash.(showpatch|showstat|showincludeuntracked)
add.ignoreerrors
sparse.expectfilesoutsideofpatterns
lfs.repositoryformatversion
gpg.format
include.path
includeif.<x>.path
vault.[^.]+
alias.(?!remote-|credential-)[^.]+
"""

# Keys that name a program or make git run one, and the value that runs nothing (None:
# neutralised another way, said beside it).
_PROGRAM_KEYS = (
    # git keeps the first core.gitProxy it reads (the repository's, when the user has none
    # for that host), so this value is ignored: as_environment turns it into an empty
    # $GIT_PROXY_COMMAND, which git reads before any config.
    ("core.gitproxy", ""),
    ("remote.<x>.(uploadpack|receivepack)", None),  # GitRepository.transport_args
    # Set for every untrusted repository (_ALWAYS), whatever the value here.
    ("core.(sshcommand|askpass|alternaterefscommand|editor|pager|fsmonitor|hookspath)", None),
    ("sequence.editor|credential.helper|diff.external", None),
    ("(commit|tag|push).gpgsign|tag.forcesignannotated", None),
    ("merge.verifysignatures|log.showsignature", None),
    ("submodule.recurse|fetch.recursesubmodules|push.recursesubmodules", None),
    ("diff.ignoresubmodules", None),
    ("credential.<x>.helper", ""),
    ("user.signingkey", ""),
    ("gpg.program|gpg.openpgp.program", "gpg"),
    ("gpg.x509.program", "gpgsm"),
    ("gpg.ssh.program", "ssh-keygen"),
    ("gpg.ssh.defaultkeycommand", ""),
    ("diff.<x>.(command|textconv)", ""),
    ("filter.<x>.(clean|smudge|process)", ""),
    ("filter.<x>.required", "false"),  # a filter switched off must not then be an error
    ("merge.<x>.driver", "false"),  # a merge driver that fails: the file is a conflict
    ("pager.<x>", "false"),
    ("interactive.difffilter", ""),
    ("web.browser|man.viewer", ""),
    ("(browser|man).<x>.(cmd|path)", ""),
    ("submodule.<x>.update", "none"),
)


def _pattern(lines: str) -> re.Pattern:
    """One regular expression for patterns written one a line, continued with `|`."""
    patterns = re.sub(r"\n\s+\|", "|", lines.strip()).splitlines()
    parts = [p.replace(".", r"\.").replace("<x>", ".+").replace(r"[^\.]", "[^.]") for p in patterns]
    return re.compile("^(?:" + "|".join(parts) + ")$", re.IGNORECASE | re.DOTALL)


@cache
def _rules() -> tuple[re.Pattern, tuple[tuple[re.Pattern, str | None], ...]]:
    """The two tables, compiled on first use (a few ms: not for commands that run no git)."""
    return _pattern(_HARMLESS_KEYS), tuple((_pattern(p), value) for p, value in _PROGRAM_KEYS)


_PROTOCOL = re.compile(r"^protocol\.(.+)\.allow$", re.IGNORECASE | re.DOTALL)


def neutral_value(name: str) -> str | None:
    """For a key the repository sets: None when vault can leave it as it is (harmless, or
    neutralised whatever its value), else the value that makes it run nothing. KeyError
    for a key vault does not know to be harmless."""
    harmless, programs = _rules()
    if harmless.match(name):
        return None
    if name.lower() == "protocol.allow":
        return None  # set always
    protocol = _PROTOCOL.match(name)
    if protocol:
        return "always" if protocol.group(1) in SAFE_PROTOCOLS else "never"
    for pattern, value in programs:
        if pattern.match(name):
            return value
    raise KeyError(name)


def trusted(git, top: str) -> bool:
    """Whether the user's global or system git config lists this work tree (or "*") under
    vault.trusted. The repository's own config is never asked: it may be the attacker's."""
    real = os.path.realpath(top)
    out = git.config("-z", "--show-scope", "--get-all", "vault.trusted", with_exceptions=False)
    fields = out.split("\0")
    for scope, value in zip(fields[::2], fields[1::2], strict=False):
        value = value.strip()
        if scope not in ("global", "system") or not value:
            continue
        if value == "*" or os.path.realpath(os.path.expanduser(value)) == real:
            return True
    return False


def repository_keys(git) -> set[str]:
    """The names of the keys the repository's own config sets: its config file, its worktree
    config and what they include (one `git config --list`, which runs nothing)."""
    try:
        out = git.config("-z", "--includes", "--show-scope", "--name-only", "--list")
    except gitpython().GitCommandError as exc:
        raise GitError(git_message(exc)) from exc
    fields = out.split("\0")
    return {
        name
        for scope, name in zip(fields[::2], fields[1::2], strict=False)
        if scope in ("local", "worktree")
    }


def overrides(git) -> list[tuple[str, str]]:
    """The settings that keep this repository's config and hooks from running anything;
    UntrustedGitConfig when it sets a key vault does not know."""
    out = list(_ALWAYS)
    unknown = []
    for name in sorted(repository_keys(git)):
        try:
            value = neutral_value(name)
        except KeyError:
            unknown.append(name)
            continue
        if value is not None:
            out.append((name, value))
    if unknown:
        raise UntrustedGitConfig(unknown, git.working_dir)
    return out


def as_environment(settings: list[tuple[str, str]]) -> dict[str, str]:
    """GIT_CONFIG_COUNT/KEY_n/VALUE_n for `settings`, after any the user already set; and,
    when the settings switch off core.gitProxy, an empty $GIT_PROXY_COMMAND unless the user
    set one."""
    start = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    env = {"GIT_CONFIG_COUNT": str(start + len(settings))}
    for n, (key, value) in enumerate(settings, start):
        env[f"GIT_CONFIG_KEY_{n}"] = key
        env[f"GIT_CONFIG_VALUE_{n}"] = value
        if key.lower() == "core.gitproxy":
            env["GIT_PROXY_COMMAND"] = os.environ.get("GIT_PROXY_COMMAND", "")
    return env
