#!/usr/bin/env bash
# Debian packages the test suite drives for real: Chromium (the HTML graph view is tested in
# a real headless browser) and Graphviz (DOT exports are rendered). Installs them when missing
# and we may (root or passwordless sudo); otherwise says what to install and carries on, and
# the tests that need them skip locally (under CI=true they fail instead).
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "note: install ${need[*]} (Debian packages) to run the browser and Graphviz tests" >&2
  exit 0
fi
echo "installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "${need[@]}" >/dev/null
