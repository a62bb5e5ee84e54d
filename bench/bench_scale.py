"""How vault's commands grow with the vault: 1,000, 10,000 and 100,000 realistic notes.

For each size it generates the realistic vault (bench/gen_vault.py --realistic) in a git
repository (one initial commit) under bench/out/scale-N/, then times whole processes
(`python -m vault ...`: interpreter start-up and imports count), medians over --runs runs,
with each child's own peak memory (os.wait4's ru_maxrss). The steps, in order:

  help          vault --help
  first_list    vault list --json on a vault never seen (no derived data anywhere)
  frontmatter   python-frontmatter alone: frontmatter.load() of every note, one process
  warm_list     vault list --json, warm
  graph         vault graph --format json, warm
  cold_index    vault index --json with no derived data: notes/s and MB/s of Markdown
  search_*      vault search WORD, warm: a rare word, a common word, a two-word query,
  rg_*          each followed by `rg -il` for the same words over the same folder
  search_edit   the rare-word search right after one note was edited (before each run)
  new           vault new --parent P --title T, committed to git (undone afterwards)

"No derived data" means ROOT/.vault/ and $XDG_CACHE_HOME/vault/ are deleted: every child
runs with XDG_CACHE_HOME set to bench/out/scale-N.xdg/, so a cache that moves there is
covered too. PYTHONDONTWRITEBYTECODE is removed from the children's environment (it costs
~80 ms a run); their bytecode goes to bench/out/pycache/ (PYTHONPYCACHEPREFIX).

Every step has a time limit (--max-seconds): a child still running then is killed and the
step recorded as "timeout". Results are saved after each step to bench/out/scale.json; a
second run skips the steps already measured for a size (--redo STEP,... or --fresh to
measure again), so an interrupted run resumes where it stopped. At the end it writes
bench/out/scale.md (also printed) and the log-log plot bench/scale.png (matplotlib, from
the `bench` extra), or bench/scale.svg when matplotlib is missing.

Usage:
    .venv/bin/python bench/bench_scale.py                        # 1,000 and 10,000 notes
    .venv/bin/python bench/bench_scale.py --sizes 100000 --max-seconds 900,cold_index=2400
    .venv/bin/python bench/bench_scale.py --sizes 1000 --runs 3 --skip cold_index,new
    .venv/bin/python bench/bench_scale.py --report              # tables and plot only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))

import gen_vault  # noqa: E402

VAULT = [sys.executable, "-m", "vault"]
RARE, COMMON, TWO_WORDS = "exosome", "skin", ("cell", "study")
STEPS = (
    "generate",
    "help",
    "first_list",
    "frontmatter",
    "warm_list",
    "graph",
    "cold_index",
    "search_rare",
    "rg_rare",
    "search_common",
    "rg_common",
    "search_two",
    "rg_two",
    "search_edit",
    "new",
)
# Targets from issue 13 (seconds; whole-process medians on 2 cores), by size.
TARGETS = {
    10_000: {
        "graph": 1.0,
        "warm_list": 0.3,
        "search_rare": 0.25,
        "search_common": 0.25,
        "search_two": 0.25,
        "search_edit": 0.35,
        "cold_index": 20.0,
        "help": 0.1,
    },
    100_000: {
        "search_rare": 0.6,
        "search_common": 0.6,
        "search_two": 0.6,
        "graph": 8.0,
        "warm_list": 2.0,
        "new": 0.5,
    },
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
FRONTMATTER_ONLY = r"""
import os, sys, time
start = time.perf_counter()
import frontmatter
ok = bad = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".md") and not name.startswith("."):
            try:
                frontmatter.load(os.path.join(folder, name))
                ok += 1
            except Exception:
                bad += 1
print(ok, bad, round(time.perf_counter() - start, 3))
"""


# --- running one child -------------------------------------------------------------------------


class Run:
    """One finished (or killed) child: wall seconds, its CPU seconds (user + system), peak
    RSS, exit code, output, and how many cores other processes kept busy meanwhile."""

    def __init__(self, seconds, cpu, rss_kib, code, stdout, stderr, timed_out, others):
        self.seconds, self.cpu, self.rss_kib, self.code = seconds, cpu, rss_kib, code
        self.stdout, self.stderr, self.timed_out = stdout, stderr, timed_out
        self.others = others


def busy_seconds() -> float | None:
    """CPU seconds all cores have spent busy since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def others_busy(seconds: float = 1.0) -> float | None:
    """Cores kept busy by every process over the next `seconds` (this one sleeps)."""
    before = busy_seconds()
    time.sleep(seconds)
    after = busy_seconds()
    return None if before is None or after is None else (after - before) / seconds


# The harness does not fork the measured command itself: a child forked from a big process
# starts with the parent's resident pages (ru_maxrss counts them: every command looked like
# it used at least the harness's 60-150 MB) and the fork itself takes longer. A small
# launcher (`python -S`, ~9 MB) forks and times the command and reports its wait4 figures.
LAUNCHER = r"""
import os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(report, "w") as fh:
    cpu = usage.ru_utime + usage.ru_stime
    fh.write(f"{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {cpu}")
"""


def run_child(argv, env, cwd, limit: float) -> Run:
    """Run argv to completion or until `limit` seconds, whichever comes first."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".wait4") as report,
    ):
        busy_before = busy_seconds()
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER, report.name, *map(str, argv)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
            start_new_session=True,  # its own process group, so a timeout kills it all
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(limit, kill)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        outer = time.perf_counter() - start
        busy_after = busy_seconds()
        figures = report.read().split()
        if len(figures) == 4:
            seconds, rss, code = float(figures[0]), int(figures[1]), int(figures[2])
            cpu = float(figures[3])
        else:  # killed before it could report
            seconds, rss, code, cpu = outer, 0, proc.returncode, None
        others = None
        if busy_before is not None and busy_after is not None and cpu is not None and outer > 0:
            # Busy core-seconds not spent by the command (nor the ~10 ms launcher), per second.
            others = max(0.0, (busy_after - busy_before - cpu - 0.01) / outer)
        out.seek(0)
        err.seek(0)
        return Run(seconds, cpu, rss, code, out.read(), err.read(), killed.is_set(), others)


class Bench:
    """The measurements of one vault size."""

    def __init__(self, n: int, args, results: dict):
        self.n, self.args = n, args
        self.root = args.out / f"scale-{n}"
        self.xdg = args.out / f"scale-{n}.xdg"
        self.results = results.setdefault("sizes", {}).setdefault(str(n), {})
        self.all_results = results
        self.env = child_env(self.xdg, args.out)
        self.vault = [*VAULT, "--vault", str(self.root)]
        self.xdg.mkdir(parents=True, exist_ok=True)

    # -- bookkeeping ----------------------------------------------------------------------

    def save(self) -> None:
        write_json(self.args.out / "scale.json", self.all_results)

    def limit(self, step: str) -> float:
        return self.args.limits.get(step, self.args.limits["*"])

    def wanted(self, step: str) -> bool:
        if step in self.args.skip or (self.args.only and step not in self.args.only):
            return False
        if step in self.args.redo or self.args.fresh:
            return True
        old = self.results.get(step)
        if old and self.args.redo_busy is not None and step != "generate":
            # Measured while other processes took the machine: measure again.
            return (old.get("others_cores") or 0) > self.args.redo_busy
        return old is None

    def say(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} [{self.n:,}] {text}", flush=True)

    def wipe_derived(self) -> None:
        """Delete every place the tool keeps derived data: ROOT/.vault and the XDG cache."""
        shutil.rmtree(self.root / ".vault", ignore_errors=True)
        shutil.rmtree(self.xdg, ignore_errors=True)
        self.xdg.mkdir(parents=True)

    def derived_bytes(self) -> dict[str, int]:
        return {
            "ROOT/.vault": folder_bytes(self.root / ".vault"),
            "XDG_CACHE_HOME": folder_bytes(self.xdg),
        }

    def wait_for_quiet(self) -> float | None:
        """Before each run: wait (up to --quiet-wait s) until other processes keep fewer than
        --quiet-cores cores busy over half a second, so that a shared machine disturbs the
        figures less. Returns the last reading (cores)."""
        if self.args.quiet_wait <= 0:
            return None
        deadline = time.monotonic() + self.args.quiet_wait
        busy = others_busy(0.5)
        while busy is not None and busy > self.args.quiet_cores and time.monotonic() < deadline:
            busy = others_busy(0.5)
        if busy is not None and busy > self.args.quiet_cores:
            self.say(f"  machine still busy ({busy:.1f} cores used by others): measuring anyway")
        return busy

    def measure(
        self, step: str, argv, runs: int, before=None, warmup: bool = True, ok_codes=(0,)
    ) -> dict:
        """Median of `runs` runs of argv (fewer when one run exceeds --slow seconds); `before`
        runs untimed before each; an untimed warm-up run first when `warmup`. `argv` may be a
        function returning the arguments of each run."""
        limit = self.limit(step)
        make = argv if callable(argv) else (lambda: argv)
        shown = step if callable(argv) else " ".join(shorten(a, self.root) for a in argv)
        self.say(f"{step}: {shown}")
        quiet = []
        done: list[Run] = []
        if warmup:
            if before:
                before()
            quiet.append(self.wait_for_quiet())
            w = run_child(make(), self.env, self.root, limit)
            if w.timed_out:
                self.say(f"  warm-up timed out after {limit:.0f} s")
                return {"status": "timeout", "limit_s": limit, "during": "warm-up"}
            self.say(f"  warm-up {w.seconds:.2f} s")
            if w.seconds > self.args.slow:
                # Not kept as a run: a warm-up may have done cold work (a search's warm-up
                # builds a missing index), which is what it is for.
                self.say(f"  slower than {self.args.slow:.0f} s: one timed run only")
                runs = min(runs, 1)
        for k in range(runs):
            if before:
                before()
            quiet.append(self.wait_for_quiet())
            r = run_child(make(), self.env, self.root, limit)
            if r.timed_out:
                self.say(f"  run {k + 1}: timeout after {limit:.0f} s")
                return {
                    "status": "timeout",
                    "limit_s": limit,
                    "times": [round(d.seconds, 4) for d in done],
                    "peak_mb": round(max([r.rss_kib] + [d.rss_kib for d in done]) / 1024, 1),
                }
            done.append(r)
            others = f", others {r.others:.1f} cores" if r.others is not None else ""
            self.say(
                f"  run {k + 1}: {r.seconds:.3f} s (cpu {r.cpu:.3f}), {r.rss_kib / 1024:.0f} MB, "
                f"exit {r.code}{others}"
            )
            if r.code not in ok_codes:
                self.say("  " + r.stderr.decode(errors="replace").strip()[-300:])
            if r.seconds > self.args.slow and k + 1 < runs:
                self.say(f"  slower than {self.args.slow:.0f} s: one run only")
                break
        times = [d.seconds for d in done]
        cpus = [d.cpu for d in done if d.cpu is not None]
        others = [d.others for d in done if d.others is not None]
        codes = [d.code for d in done]
        entry = {
            "status": "ok" if all(c in ok_codes for c in codes) else "error",
            "median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4),
            "max_s": round(max(times), 4),
            "cpu_s": round(statistics.median(cpus), 4) if cpus else None,
            "runs": len(times),
            "peak_mb": round(max(d.rss_kib for d in done) / 1024, 1),
            "exit_codes": sorted(set(codes)),
            "others_cores": round(statistics.median(others), 2) if others else None,
            "others_cores_before": [None if q is None else round(q, 2) for q in quiet],
        }
        if entry["status"] == "error":
            entry["stderr_tail"] = done[-1].stderr.decode(errors="replace")[-600:]
        entry["_stdout"] = done[-1].stdout  # for the caller; dropped before saving
        return entry

    def record(self, step: str, entry: dict) -> None:
        entry.pop("_stdout", None)
        entry["at"] = dt.datetime.now().isoformat(timespec="seconds")
        self.results[step] = entry
        self.save()

    # -- the steps ------------------------------------------------------------------------

    def generate(self) -> None:
        stamp = self.root.parent / f"scale-{self.n}.facts.json"
        want = {"notes": self.n, "seed": self.args.seed, "generator": generator_digest()}
        if stamp.exists() and self.root.is_dir() and "generate" in self.results:
            old = json.loads(stamp.read_text())
            if all(old.get(k) == v for k, v in want.items()):
                self.facts = old
                return
        self.say("generating the realistic vault ...")
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.xdg, ignore_errors=True)
        start = time.perf_counter()
        facts = gen_vault.generate(self.root, self.n, self.args.seed, realistic=True)
        generated = time.perf_counter() - start
        self.say(f"  {len(facts):,} notes in {generated:.1f} s; git init, add, commit ...")
        start = time.perf_counter()
        git(self.root, "init", "-q")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "Initial notes")
        committed = time.perf_counter() - start
        summary = gen_vault.summarize(facts)
        # A note to edit and to be the Parent of `vault new`: an ordinary one.
        ordinary = next(
            i
            for i, f in sorted(facts.items())
            if f["style"] == "headers" and f["bytes"] < 20_000 and i.startswith("memory/research/")
        )
        expected = {
            "rare": sum(1 for f in facts.values() if RARE in f["terms"]),
            "common": summary["common"][COMMON],
            "two": sum(1 for f in facts.values() if set(TWO_WORDS) <= set(f["common"])),
        }
        self.facts = {**want, "summary": summary, "ordinary": ordinary, "expected": expected}
        write_json(stamp, self.facts)
        self.say(
            f"  {summary['mb']} MB, {summary['references']:,} references, "
            f"{summary['dangling']:,} dangling ({summary['dangling_share']:.1%}); "
            f"commit {committed:.1f} s"
        )
        # Vault regenerated: every figure measured on the old one is void.
        for step in list(self.results):
            del self.results[step]
        self.record(
            "generate",
            {
                "status": "ok",
                "median_s": round(generated, 2),
                "git_commit_s": round(committed, 2),
                "runs": 1,
                "vault_disk_mb": round(folder_bytes(self.root) / 2**20, 1),
                **{k: summary[k] for k in ("mb", "references", "dangling", "dangling_share")},
                "summary": summary,
                "expected_hits": expected,
            },
        )

    def run_all(self) -> None:
        a = self.args
        self.generate()
        md_mb = self.facts["summary"]["mb"]
        if self.wanted("help"):
            self.record("help", self.measure("help", [*VAULT, "--help"], a.runs))
        if self.wanted("first_list"):
            e = self.measure(
                "first_list",
                [*self.vault, "list", "--json"],
                a.cold_runs,
                before=self.wipe_derived,
                warmup=False,
            )
            if e.get("median_s"):
                e["ms_per_note"] = round(e["median_s"] * 1000 / self.n, 3)
            self.record("first_list", e)
        if self.wanted("frontmatter"):
            argv = [sys.executable, "-c", FRONTMATTER_ONLY, str(self.root / "memory")]
            e = self.measure("frontmatter", argv, a.cold_runs, warmup=False)
            if e.get("_stdout"):
                ok, bad, inner = e["_stdout"].decode().split()
                e.update(parsed=int(ok), failed=int(bad), in_process_s=float(inner))
            self.record("frontmatter", e)
        if self.wanted("warm_list"):
            self.record(
                "warm_list", self.measure("warm_list", [*self.vault, "list", "--json"], a.runs)
            )
        if self.wanted("graph"):
            argv = [*self.vault, "graph", "--format", "json"]
            self.record("graph", self.measure("graph", argv, a.runs))
        if self.wanted("cold_index"):
            e = self.measure(
                "cold_index",
                [*self.vault, "index", "--json"],
                a.cold_runs,
                before=self.wipe_derived,
                warmup=False,
            )
            if e.get("median_s"):
                e["notes_per_s"] = round(self.n / e["median_s"], 1)
                e["mb_per_s"] = round(md_mb / e["median_s"], 2)
            e["derived_mb"] = {k: round(v / 2**20, 1) for k, v in self.derived_bytes().items()}
            self.record("cold_index", e)
        queries = {"rare": [RARE], "common": [COMMON], "two": list(TWO_WORDS)}
        no_index = self.results.get("cold_index", {}).get("status") == "timeout"
        for name, words in queries.items():
            step = f"search_{name}"
            if no_index and self.wanted(step) and step not in a.redo:
                # Its warm-up would build the whole index again, under a shorter limit.
                self.say(f"{step}: skipped, the cold index timed out (--redo {step} to try)")
                self.record(step, {"status": "skipped: cold index timed out"})
                continue
            if self.wanted(step):
                argv = [*self.vault, "search", *words]
                e = self.measure(f"search_{name}", argv, a.runs)
                if e.get("_stdout") is not None:
                    e["lines_out"] = len(e["_stdout"].splitlines())
                self.record(f"search_{name}", e)
            if self.wanted(f"rg_{name}"):
                self.record(f"rg_{name}", self.grep(f"rg_{name}", words))
        if no_index and self.wanted("search_edit") and "search_edit" not in a.redo:
            self.record("search_edit", {"status": "skipped: cold index timed out"})
        elif self.wanted("search_edit"):
            self.record("search_edit", self.search_after_edit())
        if self.wanted("new"):
            self.record("new", self.new())

    def grep(self, step: str, words: list[str]) -> dict:
        rg = shutil.which("rg")
        tool = [rg, "-il"] if rg else ["grep", "-ril"]
        if len(words) == 1:
            argv = [*tool, words[0], "memory"]
        else:  # notes with both words: the files with the first, searched for the second
            first = [*tool, "-0" if rg else "-Z", words[0], "memory"]
            argv = ["sh", "-c", f"{' '.join(first)} | xargs -0 {' '.join(tool)} {words[1]}"]
        e = self.measure(step, argv, self.args.runs, ok_codes=(0, 1))
        e["tool"] = "rg" if rg else "grep (ripgrep not installed)"
        if e.get("_stdout") is not None:
            e["files"] = len(e["_stdout"].splitlines())
        return e

    def search_after_edit(self) -> dict:
        note = self.root / self.facts["ordinary"]
        original = note.read_bytes()
        counter = iter(range(10**9))

        def edit() -> None:
            with open(note, "a", encoding="utf-8") as fh:
                fh.write(f"\nEdited for the benchmark, {next(counter)}.\n")

        try:
            return self.measure("search_edit", [*self.vault, "search", RARE], self.args.runs, edit)
        finally:
            note.write_bytes(original)

    def new(self) -> dict:
        """`vault new` under an ordinary note, committed; every note it made is undone after
        (git reset --hard to the initial commit). Each run sees the one before's note."""
        head = git(self.root, "rev-parse", "HEAD").strip()
        counter = iter(range(1, 10**9))
        parent = self.facts["ordinary"]
        self.say(f"new: vault new --parent {parent} --title 'Bench note K' (committed)")

        def argv() -> list[str]:
            title = f"Bench note {next(counter)}"
            return [*self.vault, "new", "--parent", parent, "--title", title]

        try:
            e = self.measure("new", argv, self.args.runs)
            e["commits_made"] = int(git(self.root, "rev-list", "--count", f"{head}..HEAD"))
        finally:
            git(self.root, "reset", "-q", "--hard", head)
        return e


# --- helpers -----------------------------------------------------------------------------------


def child_env(xdg: Path, out: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(GIT_ENV)
    env["XDG_CACHE_HOME"] = str(xdg)
    env["PYTHONPYCACHEPREFIX"] = str(out / "pycache")
    return env


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout


def folder_bytes(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def shorten(arg: str, root: Path) -> str:
    arg = str(arg).replace(str(root), "VAULT")
    return arg if len(arg) < 60 else arg[:57] + "..."


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def generator_digest() -> str:
    import hashlib

    return hashlib.sha256((HERE / "gen_vault.py").read_bytes()).hexdigest()[:16]


def environment() -> dict:
    from importlib import metadata

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    def output(*argv: str) -> str | None:
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip() or None
        except OSError:
            return None

    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import yaml

        libyaml = bool(getattr(yaml, "__with_libyaml__", False))
    except ImportError:
        libyaml = None
    rg = shutil.which("rg")
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "PYTHONDONTWRITEBYTECODE_in_harness": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "PYTHONDONTWRITEBYTECODE_in_children": None,
        "packages": {
            name: version(name)
            for name in (
                "vault",
                "click",
                "python-frontmatter",
                "PyYAML",
                "Whoosh-Reloaded",
                "networkx",
                "GitPython",
                "cached-property",
                "matplotlib",
            )
        },
        "libyaml": libyaml,
        "rg": output(rg, "--version").splitlines()[0] if rg else "not installed: grep -ril used",
        "git": output("git", "--version"),
        "vault_commit": output("git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"),
        "src_commit": output("git", "-C", str(PROJECT), "log", "-1", "--format=%h", "--", "src"),
        "vault_src_dirty": bool(output("git", "-C", str(PROJECT), "status", "--porcelain", "src")),
    }


# --- the report --------------------------------------------------------------------------------

ROWS = [
    ("generate", "generate the vault (not vault)"),
    ("help", "`vault --help`"),
    ("first_list", "first `vault list --json`, never seen"),
    ("frontmatter", "python-frontmatter alone, same files"),
    ("warm_list", "`vault list --json`, warm"),
    ("graph", "`vault graph --format json`, warm"),
    ("cold_index", "cold `vault index`"),
    ("search_rare", f"`vault search {RARE}` (rare), warm"),
    ("rg_rare", f"`rg -il {RARE}`"),
    ("search_common", f"`vault search {COMMON}` (common), warm"),
    ("rg_common", f"`rg -il {COMMON}`"),
    ("search_two", f"`vault search {' '.join(TWO_WORDS)}` (two words), warm"),
    ("rg_two", f"`rg -il {TWO_WORDS[0]} \\| xargs rg -il {TWO_WORDS[1]}`"),
    ("search_edit", f"`vault search {RARE}`, 1 note edited"),
    ("new", "`vault new --parent … --title …` (commit)"),
]


def fmt_time(entry: dict | None) -> str:
    if not entry:
        return "–"
    if entry.get("status") == "timeout":
        return f"timeout (> {entry['limit_s']:.0f} s)"
    s = entry.get("median_s")
    if s is None:
        return entry.get("status", "–")
    text = f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s" if s < 100 else f"{s:.0f} s"
    if entry.get("runs", 1) == 1 and "git_commit_s" not in entry:
        text += " (1 run)"
    if entry.get("status") == "error":
        text += f" exit {','.join(map(str, entry.get('exit_codes', [])))}"
    return text


def report(results: dict) -> str:
    sizes = sorted(int(n) for n in results.get("sizes", {}))
    env = results.get("env", {})
    head = (
        "| figure | " + " | ".join(f"{n:,} notes" for n in sizes) + " | target 10k | target 100k |"
    )
    rule = "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | ---: |"
    lines = [
        f"Measured {results.get('when', '')}: {env.get('nproc')} cores ({env.get('cpu')}), "
        f"Python {env.get('python')}, vault at {env.get('vault_commit')} "
        f"(src/ last changed in {env.get('src_commit')})"
        f"{' (src/ modified)' if env.get('vault_src_dirty') else ''}; "
        f"{env.get('rg')}; PYTHONDONTWRITEBYTECODE unset in the children "
        f"(harness had {env.get('PYTHONDONTWRITEBYTECODE_in_harness')!r}). "
        "Whole-process medians; '(1 run)' where one run was over the --slow limit.",
        "",
        "### Time",
        "",
        head,
        rule,
    ]
    get = results.get("sizes", {})

    def cell(n: int, step: str) -> str:
        return fmt_time(get.get(str(n), {}).get(step))

    def target(n: int, step: str) -> str:
        t = TARGETS.get(n, {}).get(step)
        return "" if t is None else (f"≤ {t * 1000:.0f} ms" if t < 1 else f"≤ {t:g} s")

    for step, label in ROWS:
        lines.append(
            f"| {label} | "
            + " | ".join(cell(n, step) for n in sizes)
            + f" | {target(10_000, step)} | {target(100_000, step)} |"
        )
    # Derived figures.
    extra = []
    for n in sizes:
        r = get.get(str(n), {})
        g, ci, fl, fm = (
            r.get(k, {}) for k in ("generate", "cold_index", "first_list", "frontmatter")
        )
        row = {
            "Markdown": f"{g.get('mb', '–')} MB",
            "references (dangling)": (
                f"{g.get('references', 0):,} ({g.get('dangling', 0):,}, "
                f"{g.get('dangling_share', 0):.1%})"
                if g
                else "–"
            ),
            "cold index notes/s · MB/s": (
                f"{ci['notes_per_s']:.0f} · {ci['mb_per_s']:.2f}" if ci.get("notes_per_s") else "–"
            ),
            "derived data after cold index": (
                ", ".join(f"{k} {v} MB" for k, v in ci.get("derived_mb", {}).items()) or "–"
            ),
            "first list ms/note": f"{fl['ms_per_note']}" if fl.get("ms_per_note") else "–",
            "first list ÷ frontmatter (target ≤ 3)": (
                f"{fl['median_s'] / fm['median_s']:.1f}×"
                if fl.get("median_s") and fm.get("median_s")
                else "–"
            ),
        }
        for q in ("rare", "common", "two"):
            s, f = r.get(f"search_{q}", {}), r.get(f"rg_{q}", {})
            row[f"search {q} ÷ rg (target ≤ 3)"] = (
                f"{s['median_s'] / f['median_s']:.1f}×"
                if s.get("median_s") and f.get("median_s")
                else "–"
            )
        extra.append(row)
    if extra:
        lines += ["", "### Derived", "", "| figure | " + " | ".join(f"{n:,}" for n in sizes) + " |"]
        lines.append("| --- | " + " | ".join("---:" for _ in sizes) + " |")
        for key in extra[0]:
            lines.append(f"| {key} | " + " | ".join(row[key] for row in extra) + " |")
    lines += [
        "",
        "### CPU time and the machine's other load",
        "",
        "CPU: the command's own user + system seconds (median); wall-clock minus CPU is time "
        "spent waiting (disk, git, or the cores taken by others). Others: how many cores other "
        "processes kept busy during the runs (median; the machine has "
        f"{env.get('nproc')}); above ~0.5 the wall-clock figure is likely inflated.",
        "",
        "| command | " + " | ".join(f"{n:,} CPU · others" for n in sizes) + " |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " |",
    ]
    for step, label in ROWS[1:]:
        cells = []
        for n in sizes:
            e = get.get(str(n), {}).get(step, {})
            cpu, others = e.get("cpu_s"), e.get("others_cores")
            cpu_text = "–" if cpu is None else f"{cpu * 1000:.0f} ms" if cpu < 1 else f"{cpu:.1f} s"
            cells.append(f"{cpu_text} · {'–' if others is None else f'{others:.1f}'}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if len(sizes) > 1:
        import math

        pairs = list(zip(sizes, sizes[1:], strict=False))
        lines += [
            "",
            "### Growth",
            "",
            "k in time ∝ notes^k between two sizes (1 = linear, 2 = quadratic), from the CPU "
            "times (less disturbed by other processes than wall-clock), wall-clock in brackets.",
            "",
            "| command | " + " | ".join(f"{a:,} → {b:,}" for a, b in pairs) + " |",
            "| --- | " + " | ".join("---:" for _ in pairs) + " |",
        ]

        def slope(a: float | None, b: float | None, na: int, nb: int) -> str:
            if not a or not b:
                return "–"
            return f"{math.log(b / a) / math.log(nb / na):.2f}"

        for step, label in ROWS[1:]:
            cells = []
            for a, b in pairs:
                ea, eb = get.get(str(a), {}).get(step, {}), get.get(str(b), {}).get(step, {})
                cpu = slope(ea.get("cpu_s"), eb.get("cpu_s"), a, b)
                wall = slope(ea.get("median_s"), eb.get("median_s"), a, b)
                cells.append(f"{cpu} ({wall})")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "### Peak memory (MB, the child's ru_maxrss; target ≤ 1,500 MB at 100k)", ""]
    lines.append("| command | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    lines.append("| --- | " + " | ".join("---:" for _ in sizes) + " |")
    for step, label in ROWS[1:]:
        cells = []
        for n in sizes:
            e = get.get(str(n), {}).get(step, {})
            cells.append(f"{e['peak_mb']:.0f}" if e.get("peak_mb") else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


PLOTTED = [s for s, _ in ROWS if s != "generate"]


def plot(results: dict, png: Path, svg: Path) -> Path:
    """Log-log plot of every figure (time and peak memory) against vault size."""
    series = {}
    for step in PLOTTED:
        xs, ys, mem, limits, cpu = [], [], [], [], []
        for n, r in sorted(((int(k), v) for k, v in results.get("sizes", {}).items())):
            e = r.get(step)
            if not e:
                continue
            if e.get("status") == "timeout":
                limits.append((n, e["limit_s"]))
            elif e.get("median_s"):
                xs.append(n)
                ys.append(e["median_s"])
                mem.append(e.get("peak_mb"))
                cpu.append(e.get("cpu_s"))
        if xs or limits:
            series[step] = (xs, ys, mem, limits, cpu)
    labels = dict(ROWS)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        write_svg(series, labels, svg)
        return svg
    fig, (ax, cx, bx) = plt.subplots(1, 3, figsize=(21, 7.5))
    colours = plt.get_cmap("tab20").colors
    markers = "osD^vP*Xhp<>"
    for k, (step, (xs, ys, mem, limits, cpu)) in enumerate(series.items()):
        label = labels[step].replace("`", "").replace("\\|", "|")
        style = "--" if step.startswith("rg_") or step == "frontmatter" else "-"
        look = {"color": colours[(2 * k) % 20 + (k >= 10)], "marker": markers[k % len(markers)]}
        ax.plot(xs, ys, style, label=label, **look)
        if limits:
            ax.plot(*zip(*limits, strict=True), "^", markersize=12, color=look["color"])
        if any(m for m in mem) and not step.startswith("rg_"):
            bx.plot(xs, mem, style, label=label, **look)
        points = [(x, c) for x, c in zip(xs, cpu, strict=True) if c]
        if points:
            cx.plot(*zip(*points, strict=True), style, label=label, **look)
    sizes = sorted(int(n) for n in results.get("sizes", {}))
    if len(sizes) > 1:  # a guide: what growing in proportion to the vault looks like
        ref = [0.05 * n / sizes[0] for n in sizes]
        ax.plot(sizes, ref, ":", color="grey", label="∝ notes (a guide, slope 1)")
    panels = (
        (ax, "wall-clock time (median)", "seconds"),
        (cx, "CPU time of the command (user + system)", "seconds"),
        (bx, "peak memory", "MB"),
    )
    for a, title, unit in panels:
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel("notes in the vault")
        a.set_ylabel(unit)
        a.set_title(title)
        a.set_xticks(sizes, [f"{n:,}" for n in sizes])
        a.grid(True, which="both", alpha=0.3)
    ax.text(
        0.01,
        0.99,
        "▲ = timed out (plotted at the limit)",
        transform=ax.transAxes,
        va="top",
        fontsize=8,
    )
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=8)
    env = results.get("env", {})
    fig.suptitle(
        f"vault on realistic vaults: {env.get('nproc')} cores, Python {env.get('python')}, "
        f"vault src/ at {env.get('src_commit') or env.get('vault_commit')}"
    )
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return png


def write_svg(series: dict, labels: dict, path: Path) -> None:
    """A plain log-log SVG of the times, for machines without matplotlib."""
    import math

    width, height, pad = 900, 600, 70
    points = [
        (x, y)
        for xs, ys, _, lim, _ in series.values()
        for x, y in [*zip(xs, ys, strict=True), *lim]
    ]
    if not points:
        return
    lx = [math.log10(x) for x, _ in points]
    ly = [math.log10(y) for _, y in points]
    x0, x1 = min(lx) - 0.1, max(lx) + 0.1
    y0, y1 = math.floor(min(ly)), math.ceil(max(ly))

    def px(x: float) -> float:
        return pad + (math.log10(x) - x0) / (x1 - x0) * (width - 2 * pad - 250)

    def py(y: float) -> float:
        return height - pad - (math.log10(y) - y0) / max(y1 - y0, 1) * (height - 2 * pad)

    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">']
    out.append('<rect width="100%" height="100%" fill="white"/>')
    for e in range(int(y0), int(y1) + 1):
        y = py(10**e)
        out.append(f'<line x1="{pad}" x2="{width - pad - 250}" y1="{y}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="5" y="{y + 4}" font-size="11">{10**e:g} s</text>')
    for n in sorted({x for x, _ in points}):
        out.append(f'<text x="{px(n) - 20}" y="{height - pad + 20}" font-size="11">{n:,}</text>')
    for k, (step, (xs, ys, _, lim, _)) in enumerate(series.items()):
        c = colours[k % len(colours)]
        if len(xs) > 1:
            pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
        for x, y in zip(xs, ys, strict=True):
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{c}"/>')
        for x, y in lim:
            out.append(f'<text x="{px(x) - 5:.1f}" y="{py(y):.1f}" fill="{c}">▲</text>')
        label = labels[step].replace("`", "").replace("\\|", "|").replace("&", "&amp;")
        out.append(
            f'<text x="{width - 310}" y="{pad + 16 * k}" font-size="11" fill="{c}">{label}</text>'
        )
    out.append("</svg>")
    path.write_text("\n".join(out), encoding="utf-8")


# --- main --------------------------------------------------------------------------------------


def parse_limits(text: str) -> dict[str, float]:
    limits = {"*": 600.0}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" in part:
            step, seconds = part.split("=", 1)
            limits[step.strip()] = float(seconds)
        else:
            limits["*"] = float(part)
    return limits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="vault sizes, comma-separated")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per warm median")
    ap.add_argument("--cold-runs", type=int, default=3, help="timed runs per cold median")
    ap.add_argument(
        "--slow", type=float, default=20.0, help="after a run slower than this (s), stop at one"
    )
    ap.add_argument(
        "--max-seconds",
        default="600",
        help="time limit per run: SECONDS, and/or STEP=SECONDS overrides (comma-separated)",
    )
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=10.0,
        help="before each run, wait up to this long (s) for other processes to calm down",
    )
    ap.add_argument(
        "--quiet-cores", type=float, default=0.9, help="'calm': others use fewer cores than this"
    )
    ap.add_argument("--skip", default="", help="steps not to run, comma-separated")
    ap.add_argument("--only", default="", help="run only these steps (generate always runs)")
    ap.add_argument("--redo", default="", help="measure these steps again though recorded")
    ap.add_argument("--fresh", action="store_true", help="measure every step again")
    ap.add_argument(
        "--redo-busy",
        type=float,
        metavar="CORES",
        help="measure again the steps during which other processes used more than CORES cores",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=HERE / "out", help="vaults and results")
    ap.add_argument("--report", action="store_true", help="only write the tables and the plot")
    args = ap.parse_args()
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    args.limits = parse_limits(args.max_seconds)
    args.skip = {s for s in args.skip.split(",") if s}
    args.only = {s for s in args.only.split(",") if s}
    args.redo = {s for s in args.redo.split(",") if s}
    unknown = (args.skip | args.only | args.redo | set(args.limits)) - set(STEPS) - {"*"}
    if unknown:
        ap.error(f"unknown steps {sorted(unknown)}; steps are {', '.join(STEPS)}")
    path = args.out / "scale.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if not args.report:
        results["env"] = environment()
        results["when"] = dt.date.today().isoformat()
        env = results["env"]
        print(
            f"cores {env['nproc']}, python {env['python']}, vault {env['vault_commit']}, "
            f"{env['rg']}; PYTHONDONTWRITEBYTECODE in harness: "
            f"{env['PYTHONDONTWRITEBYTECODE_in_harness']!r} (unset for the children)",
            flush=True,
        )
        if not shutil.which("rg"):
            print("ripgrep (rg) is not installed: the floor is `grep -ril` instead", flush=True)
        for n in (int(s) for s in args.sizes.split(",") if s.strip()):
            bench = Bench(n, args, results)
            bench.run_all()
            print(f"[{n:,}] done", flush=True)
    text = report(results)
    (args.out / "scale.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    # The plot goes in bench/ beside this script for the default --out, else beside the figures.
    where = HERE if args.out == (HERE / "out").resolve() else args.out
    image = plot(results, where / "scale.png", where / "scale.svg")
    print(f"figures in {path} and {args.out / 'scale.md'}; plot in {image}")


if __name__ == "__main__":
    main()
