#!/usr/bin/env bash
# A short tour of vault on the example vault in memory/ (found without --vault: the
# project's root holds memory/). Read-only on memory/ itself:
# the part that writes a new note works on a copy in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
vault=".venv/bin/vault"
out="build/demo"
mkdir -p "$out"
# Each command is shown quoted as it must be typed (shlex.join), so it can be copied as is.
shown() { python3 -c 'import shlex, sys; print(shlex.join(sys.argv[1:]))' "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$(shown "$@")"; "$@"; }
# A step that reads standard input, shown whole: `echo TEXT | COMMAND`.
piped() {
  local text=$1
  shift
  printf '\n\033[1m$ %s | %s\033[0m\n' "$(shown echo "$text")" "$(shown "$@")"
  echo "$text" | "$@"
}

step "$vault" list
step "$vault" show memory/research/2026-02-14-exosomes-deep-dive.md
step "$vault" search exosome
step "$vault" search exosme          # a typo: no hit, and a suggestion
step "$vault" related exosomes-deep-dive --limit 2
step "$vault" tree
step "$vault" tree --folders
step "$vault" context exosomes-deep-dive --max-chars 1500   # what an agent reads first
step "$vault" graph --stats
step "$vault" graph --format mermaid
step "$vault" graph --format html -o "$out/graph.html"
echo "open $out/graph.html in a browser for the interactive view"
step "$vault" check --summary || true   # exits 1: seed 000's /posts/pdrn-salmon-dna link is dangling

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r memory "$tmp/memory"
git -C "$tmp" init -q
git -C "$tmp" -c user.name=demo -c user.email=demo@example.com add -A
git -C "$tmp" -c user.name=demo -c user.email=demo@example.com commit -qm "example vault"
printf '\n\033[1m# and a new technical supplement, in a scratch copy at %s\033[0m\n' "$tmp"
# The scratch copy's commits are made as "demo" (your own git identity is left alone).
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.com
piped "Room-temperature stability needs trehalose or liposomal wrapping." \
  "$vault" --vault "$tmp" new --parent memory/research/2026-02-14-skin-tech-trends.md \
  --title "Exosome Stability at Room Temperature" --date 2026-03-01 --json
sha=$("$vault" --vault "$tmp" show exosome-stability-at-room-temperature --json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["sha256"])')
piped "Trehalose at 5% w/v was enough in the 2026 trials." \
  "$vault" --vault "$tmp" append exosome-stability-at-room-temperature --expect-sha256 "$sha"
step git -C "$tmp" log --oneline
printf '\n\033[1m# agents: `vault mcp` serves all of this over MCP (see the README)\033[0m\n'
step "$vault" mcp --help
