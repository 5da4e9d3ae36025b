#!/usr/bin/env bash
# Builds native/build/attnlab.node against Debian's libtorch, or against $LIBTORCH when set.
# Incremental (make): only changed translation units are recompiled.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_INC="$(node -p "require('path').resolve(process.execPath, '../../include/node')")"
[ -f "$NODE_INC/node_api.h" ] || NODE_INC=/usr/include/node
ADDON_INC="$(node -p "require('path').resolve(require('node-addon-api').include_dir)")"

if [ -n "${LIBTORCH:-}" ]; then
  T="$LIBTORCH"
  INC="-isystem $T/include -isystem $T/include/torch/csrc/api/include"
  LIBS="-L$T/lib -Wl,-rpath,$T/lib -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10"
  # A CUDA build registers its kernels only if these are linked (and kept: --no-as-needed).
  [ -e "$T/lib/libtorch_cuda.so" ] && LIBS="$LIBS -ltorch_cuda"
  [ -e "$T/lib/libc10_cuda.so" ] && LIBS="$LIBS -lc10_cuda"
  # The C++ ABI must match the one libtorch was built with.
  if [ -n "${LIBTORCH_CXX11_ABI:-}" ]; then ABI="$LIBTORCH_CXX11_ABI"
  # (grep without -q: with pipefail, -q's early exit would SIGPIPE nm and read as "no match")
  elif nm -DC "$T/lib/libc10.so" 2>/dev/null | grep '__cxx11::basic_string' >/dev/null; then ABI=1; else ABI=0; fi
else
  INC="-isystem /usr/include/torch/csrc/api/include"
  LIBS="-Wl,--no-as-needed -ltorch -ltorch_cpu -lc10"
  ABI=1
fi

make -s -j"$(nproc)" -C native \
  CXXFLAGS="-O2 -std=c++17 -fPIC -D_GLIBCXX_USE_CXX11_ABI=$ABI -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED -I$NODE_INC -I$ADDON_INC $INC -Wall -Wno-unused-parameter" \
  LDLIBS="$LIBS -Wl,--as-needed -ldl" \
  CONFIG="abi=$ABI libtorch=${LIBTORCH:-system}"
