#!/usr/bin/env bash
# Idempotent set-up: system libtorch (or $LIBTORCH), npm packages, the native addon.
#   LIBTORCH=/path/to/torch   build against that libtorch (a folder with include/ and lib/, e.g. a pip
#                             torch package folder, possibly with CUDA) and skip apt.
#   --test                    also install what the test suite needs (TEST_APT below).
#   ATTNLAB_APT_EXTRA="..."   more Debian packages to install in the same apt step.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages only the tests need.
TEST_APT="chromium fonts-dejavu-core"  # the report's browser test (test/report/browser.test.ts)
TEST_APT="$TEST_APT slurm-wlm munge"   # the one-node Slurm of test/cli/slurm.test.ts (scripts/slurm/local-cluster.sh)
extra="${ATTNLAB_APT_EXTRA:-}"
[ "${1:-}" = "--test" ] && extra="$extra $TEST_APT"

say() { printf 'attnlab setup: %s\n' "$*" >&2; }

need_apt=()
if [ -n "${LIBTORCH:-}" ]; then
  if [ ! -d "$LIBTORCH/include" ] || [ ! -d "$LIBTORCH/lib" ]; then
    say "LIBTORCH=$LIBTORCH must be a folder with include/ and lib/ (for a pip torch: the folder printed by"
    say "  python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
    exit 1
  fi
else
  [ -f /usr/include/torch/csrc/api/include/torch/torch.h ] || need_apt+=(libtorch-dev)
  dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need_apt+=(libopenblas0-pthread)
fi
for p in $extra; do dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p"); done

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${need_apt[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    say "missing system packages: ${need_apt[*]}"
    say "on Debian/Ubuntu run:  sudo apt-get install -y ${need_apt[*]}"
    say "or point the build at any libtorch:  LIBTORCH=/path/to/libtorch npm run setup"
    say "  (a folder with include/ and lib/; a pip torch works: python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')"
    exit 1
  fi
fi

# npm packages: install when missing or when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/build-native.sh
