"""Benchmark full-text search on generated vaults (see bench/README.md for the figures).

For each size N it generates a vault (bench/gen_vault.py; `--realistic` for the messier
vaults of issue 13, when the generator has that mode), then measures, each as a whole process
the way a person or an agent runs it:

- cold full index: `vault index` with no derived data at all (walk, parse, index), notes/s,
  MB/s of Markdown, peak memory of all its processes (PSS, sampled), and the index's size;
- `vault search WORD` on a warm, unchanged vault, for a rare word, a common word and two
  words, each beside `rg -il` for the same words over the same folder, in the same run;
- the rare-word search right after one note was edited (each run edits it first);
- a search with no hits (the "did you mean" lookup) beside one with hits;
- `vault --help`.

`--multilingual N` measures a generated multilingual vault instead (the same note names in
en/ de/ fr/ es/ ja/ zh/ folders, shaped like Obsidian's help vault): cold index, a hit and a
no-hit search in Latin script and in Japanese.

Timings are medians of --runs runs. Before each series the harness waits (up to
--quiet-wait seconds) for the machine's load average to drop below --quiet-load, and
records the load it measured under. PYTHONDONTWRITEBYTECODE is removed from the children's
environment (recompiling every module costs ~80 ms a run).

Usage: python bench/bench_search.py [--sizes 1000,10000] [--realistic] [--multilingual 6000]
       [--out bench/out] [--runs 15]
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_vault import generate  # noqa: E402

VAULT = [sys.executable, "-m", "vault"]
RARE = ("exosome",)
# Realistic vaults have words common to most notes; the default vault's planted phrase.
COMMON = {True: ("skin",), False: ("niacinamide",)}
TWO_WORDS = {True: ("cell", "study"), False: ("barrier", "repair")}
NO_HITS = ("nonexistentword",)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(
    argv: list[str], env: dict, ok: tuple[int, ...] = (0,)
) -> tuple[float, int, subprocess.CompletedProcess]:
    """(seconds, peak RSS in KiB, result) of one process run to completion; an exit code
    not in `ok` stops the benchmark."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        # wait4 gives this child's own resource usage, so its peak memory is measured alone.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code not in ok:
        raise SystemExit(f"{' '.join(argv)} failed ({code}): {stderr.decode(errors='replace')}")
    return seconds, usage.ru_maxrss, subprocess.CompletedProcess(argv, code, stdout, stderr)


class Bench:
    def __init__(self, args):
        self.runs = max(args.runs, 5)
        self.quiet_load = args.quiet_load
        self.quiet_wait = args.quiet_wait
        self.loads: list[float] = []

    def quiet(self) -> None:
        """Wait for the load average to drop (other people's work on a shared machine)."""
        deadline = time.monotonic() + self.quiet_wait
        while os.getloadavg()[0] > self.quiet_load and time.monotonic() < deadline:
            time.sleep(2)
        self.loads.append(os.getloadavg()[0])

    def median(self, argv: list[str], env: dict, before=None, ok=(0,)) -> tuple[float, int]:
        """(median seconds, max peak RSS KiB) over the runs; `before()` runs untimed first."""
        self.quiet()
        timed(argv, env, ok)  # warm the page cache
        times, peak = [], 0
        for _ in range(self.runs):
            if before:
                before()
            seconds, rss, _ = timed(argv, env, ok)
            times.append(seconds)
            peak = max(peak, rss)
        return statistics.median(times), peak


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parent = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack += children.get(p, [])
    return out


def timed_tree(argv: list[str], env: dict) -> tuple[float, int, bytes]:
    """(seconds, peak PSS in bytes of the process and its children together, stdout) of
    one run: a full build's workers count too (ru_maxrss counts one process)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, sum(_pss(p) for p in _tree(proc.pid)))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        if proc.returncode:
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode})")
        out.seek(0)
        return seconds, peak, out.read()


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def rg_argv(root: Path, words: tuple[str, ...]) -> list[str] | None:
    """`rg -il` for the words (several: the files that have them all)."""
    rg = shutil.which("rg")
    if not rg:
        return None
    folder = str(root / "memory") if (root / "memory").is_dir() else str(root)
    if len(words) == 1:
        return [rg, "-il", words[0], folder]
    chain = f"{rg} -il {words[0]} {folder}"
    for word in words[1:]:
        chain += f" | xargs -r -d '\\n' {rg} -il {word}"
    return ["sh", "-c", chain]


def state_of(root: Path, env: dict) -> Path:
    """The vault's state folder, as vault computes it under `env`."""
    code = (
        "import sys; from vault.vault import open_vault; print(open_vault(sys.argv[1]).state_dir)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, env=env
    )
    return Path(res.stdout.strip())


def cold_index(bench: Bench, root: Path, env: dict, n: int) -> dict:
    state = state_of(root, env)
    shutil.rmtree(state, ignore_errors=True)
    shutil.rmtree(root / ".vault", ignore_errors=True)
    bench.quiet()
    cold, pss, stdout = timed_tree([*VAULT, "--vault", str(root), "index", "--json"], env)
    report = json.loads(stdout)
    assert report["notes"] == n, report
    markdown = folder_size(root / "memory") if (root / "memory").is_dir() else folder_size(root)
    return {
        "corpus_mb": round(markdown / 2**20, 1),
        "cold_index_s": round(cold, 2),
        "notes_per_s": round(n / cold),
        "mb_per_s": round(markdown / 2**20 / cold, 2),
        # All processes of the build (the workers too), proportional set size.
        "cold_index_peak_mb": round(pss / 2**20),
        "index_mb": round(folder_size(state / "index") / 2**20, 1),
    }


def searches(bench: Bench, root: Path, env: dict, queries: dict[str, tuple[str, ...]]) -> dict:
    out = {}
    vault = [*VAULT, "--vault", str(root)]
    for name, words in queries.items():
        seconds, rss = bench.median([*vault, "search", *words], env)
        out[f"search_{name}_ms"] = round(seconds * 1000)
        out[f"search_{name}_peak_mb"] = round(rss / 1024)
        rg = rg_argv(root, words)
        if rg:  # rg exits 1 when nothing matches
            out[f"rg_{name}_ms"] = round(bench.median(rg, env, ok=(0, 1, 123))[0] * 1000)
    return out


def bench_size(bench: Bench, n: int, out: Path, seed: int, realistic: bool) -> dict:
    kind = "realistic" if realistic else "default"
    root = out / f"vault-{kind}-{n}"
    if root.exists():
        shutil.rmtree(root)
    env = {**ENV, "XDG_CACHE_HOME": str(out / f"xdg-{kind}-{n}")}
    start = time.perf_counter()
    if realistic:
        if "realistic" not in inspect.signature(generate).parameters:
            raise SystemExit("--realistic needs bench/gen_vault.py with --realistic (wip/bench)")
        facts = generate(root, n, seed, realistic=True)
    else:
        facts = generate(root, n, seed)
    generated = time.perf_counter() - start
    result = {"notes": n, "kind": kind, "generate_s": round(generated, 2)}
    result.update(cold_index(bench, root, env, n))
    vault = [*VAULT, "--vault", str(root)]
    expected = sum(1 for f in facts.values() if "exosome" in f.get("terms", ()))
    res = timed([*vault, "search", *RARE, "--paths", "--limit", str(expected + 10)], env)[2]
    found = len(res.stdout.splitlines())
    assert found == expected, f"search found {found} notes, expected {expected}"
    queries = {
        "rare": RARE,
        "common": COMMON[realistic],
        "two": TWO_WORDS[realistic],
        "nohits": NO_HITS,
    }
    result.update(searches(bench, root, env, queries))
    note = sorted(root.glob("memory/research/*.md"))[0]
    counter = iter(range(10**9))

    def edit() -> None:
        with open(note, "a", encoding="utf-8") as fh:
            fh.write(f"\nEdited {next(counter)}.\n")

    seconds, rss = bench.median([*vault, "search", *RARE], env, before=edit)
    result["search_after_edit_ms"] = round(seconds * 1000)
    result["search_after_edit_peak_mb"] = round(rss / 1024)
    result["help_ms"] = round(bench.median([*VAULT, "--help"], env)[0] * 1000)
    return result


# --- a multilingual vault -------------------------------------------------------------------

# Note names shared by every language folder (as in translated documentation).
_NAMES = [
    "Canvas", "Graph View", "Hotkeys", "Settings", "Plugins", "Search", "Sync", "Publish",
    "Templates", "Daily notes", "Backlinks", "Outline", "Tags", "Properties", "Workspaces",
    "Command palette", "File recovery", "Bookmarks", "Slides", "Audio recorder",
]  # fmt: skip
_TEXT = {
    "en": (
        "Open the settings and choose a hotkey for the command you use most. The graph view "
        "shows how your notes link to each other, and the canvas lets you arrange cards "
        "freely. Plugins add features; templates save typing; the search finds every note "
        "that mentions a word."
    ),
    "de": (
        "Öffne die Einstellungen und wähle ein Tastenkürzel für den Befehl, den du am "
        "häufigsten benutzt. Die Graphansicht zeigt, wie deine Notizen verknüpft sind, und "
        "auf der Leinwand ordnest du Karten frei an. Erweiterungen bringen neue Funktionen."
    ),
    "fr": (
        "Ouvrez les paramètres et choisissez un raccourci clavier pour la commande que vous "
        "utilisez le plus. La vue graphique montre comment vos notes sont liées, et le "
        "canevas permet de disposer des cartes librement. Les modules ajoutent des fonctions."
    ),
    "es": (
        "Abre la configuración y elige un atajo de teclado para el comando que más usas. La "
        "vista de gráfico muestra cómo se enlazan tus notas, y el lienzo te permite ordenar "
        "tarjetas libremente. Los complementos añaden funciones nuevas a la aplicación."
    ),
    "ja": (
        "設定を開き、よく使うコマンドにホットキーを割り当てます。グラフビューではノート同士の"
        "つながりが見え、キャンバスではカードを自由に配置できます。プラグインは機能を追加し、"
        "テンプレートは入力の手間を省き、検索は単語を含むすべてのノートを見つけます。"
    ),
    "zh": (
        "打开设置，为最常用的命令分配快捷键。关系图谱显示笔记之间的链接，画布可以自由排列卡片。"
        "插件增加新功能，模板节省输入，搜索可以找到提到某个词的所有笔记。"
    ),
}
# Extra words per language, drawn at random, so the vocabulary grows like a real vault's.
_WORDS = {
    "en": "note link vault file folder sync mobile desktop theme snippet pane tab",
    "de": "Notiz Verknüpfung Tresor Datei Ordner Synchronisierung Fenster Vorlage Suche",
    "fr": "note lien coffre fichier dossier synchronisation fenêtre modèle recherche",
    "es": "nota enlace bóveda archivo carpeta sincronización ventana plantilla búsqueda",
    "ja": "ノート リンク 保管庫 ファイル フォルダー 同期 画面 テンプレート 検索 表示 編集",
    "zh": "笔记 链接 仓库 文件 文件夹 同步 窗口 模板 搜索 显示 编辑",
}


def generate_multilingual(root: Path, n: int, seed: int = 1) -> None:
    """Write n notes in six language folders, the same names in each."""
    rng = random.Random(seed)
    langs = list(_TEXT)
    for i in range(n):
        lang = langs[i % len(langs)]
        name = _NAMES[(i // len(langs)) % len(_NAMES)]
        number = i // (len(langs) * len(_NAMES))
        stem = name if number == 0 else f"{name} {number}"
        words = _WORDS[lang].split()
        sep = "" if lang in ("ja", "zh") else " "
        paragraphs = []
        for _ in range(rng.randint(2, 6)):
            extra = sep.join(rng.choice(words) for _ in range(rng.randint(5, 30)))
            paragraphs.append(f"{_TEXT[lang]}{sep}{extra}")
        links = " ".join(f"[[{rng.choice(_NAMES)}]]" for _ in range(rng.randint(1, 5)))
        path = root / lang / f"{stem}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join([*paragraphs, links]) + "\n", encoding="utf-8")


def bench_multilingual(bench: Bench, n: int, out: Path, seed: int) -> dict:
    root = out / f"vault-multilingual-{n}"
    if root.exists():
        shutil.rmtree(root)
    env = {**ENV, "XDG_CACHE_HOME": str(out / f"xdg-multilingual-{n}")}
    generate_multilingual(root, n, seed)
    result = {"notes": n, "kind": "multilingual"}
    result.update(cold_index(bench, root, env, n))
    queries = {
        "latin_hit": ("Hotkeys",),
        "latin_nohits": ("nonexistentword",),
        "cjk_hit": ("ホットキー",),
        "cjk_nohits": ("存在しない単語",),
    }
    result.update(searches(bench, root, env, queries))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="vault sizes, comma-separated")
    ap.add_argument("--realistic", action="store_true", help="issue 13's messier vaults")
    ap.add_argument("--multilingual", type=int, default=0, help="also a multilingual vault")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where vaults are generated")
    ap.add_argument("--runs", type=int, default=15, help="runs per median (at least 5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quiet-load", type=float, default=1.5, help="wait for a load below this")
    ap.add_argument("--quiet-wait", type=float, default=120.0, help="wait at most this (s)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    print(
        f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, runs per median: {bench.runs}"
    )
    results = []
    for n in sizes:
        print(f"\nN = {n:,}: generating, indexing, searching ...", flush=True)
        r = bench_size(bench, n, args.out, args.seed, args.realistic)
        results.append(r)
        for key, value in r.items():
            print(f"  {key:28} {value}")
    if args.multilingual:
        print(f"\nmultilingual, N = {args.multilingual:,} ...", flush=True)
        r = bench_multilingual(bench, args.multilingual, args.out, args.seed)
        results.append(r)
        for key, value in r.items():
            print(f"  {key:28} {value}")
    loads = bench.loads
    middle, top = statistics.median(loads), max(loads)
    print(f"\nload average while measuring: median {middle:.2f}, max {top:.2f}")
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures saved in {args.out / 'results.json'}")


if __name__ == "__main__":
    main()
