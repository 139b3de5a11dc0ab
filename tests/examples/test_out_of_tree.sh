#!/usr/bin/env bash
# Usage: test_out_of_tree.sh BUILD_DIR EXAMPLE_SRC CXX_COMPILER [INCOMPATIBLE_PLUGIN.so]
#
# What an integrator does on a fresh machine, in a scratch prefix:
#   1. cmake --install BUILD_DIR --prefix PREFIX            (SDK headers, library, CMake package, host)
#   2. configure EXAMPLE_SRC (a copy, outside the source tree) with -DCMAKE_PREFIX_PATH=PREFIX, build,
#      install: the plugin lands in PREFIX/lib/roundhouse/plugins (ROUNDHOUSE_PLUGIN_DIR)
#   3. PREFIX/bin/roundhouse plugins (default plugin dir, found next to the executable)
#      -> hello-plugin loaded; an incompatible plugin dropped next to it is refused with a reason.
set -euo pipefail

build_dir=$(cd "$1" && pwd)
example_src=$(cd "$2" && pwd)
cxx=$3
incompatible=${4:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/rh-out-of-tree.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "install $build_dir into $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; fail "cmake --install"; }
[[ -x $prefix/bin/roundhouse ]] || fail "no bin/roundhouse in the install tree"
[[ -f $prefix/lib/cmake/Roundhouse/RoundhouseConfig.cmake ]] || fail "no Roundhouse CMake package in the install tree"
[[ -f $prefix/include/roundhouse/plugin/plugin.hpp ]] || fail "SDK headers not installed"
[[ -f $prefix/include/roundhouse/version.hpp ]] || fail "generated version.hpp not installed"

step "configure and build the example out of tree"
cp -r "$example_src" "$work/src"
rm -rf "$work/src/build"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$work/src" -B "$work/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; fail "configuring the example against the installed SDK"; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "building the example"; }
cmake --install "$work/build" >"$work/install-plugin.log" 2>&1 \
  || { cat "$work/install-plugin.log"; fail "installing the example plugin"; }
plugin_dir=$prefix/lib/roundhouse/plugins
[[ -f $plugin_dir/hello-plugin.so ]] || { ls -la "$plugin_dir" || true; fail "hello-plugin.so not installed into $plugin_dir"; }

if [[ -n $incompatible ]]; then
  cp "$incompatible" "$plugin_dir/"
fi

step "roundhouse plugins (installed host, default plugin dir)"
unset ROUNDHOUSE_PLUGIN_DIR
cd "$work"   # nothing relative to the source or build tree
"$prefix/bin/roundhouse" plugins >"$work/plugins.txt" 2>"$work/plugins.err" || {
  cat "$work/plugins.txt" "$work/plugins.err"; fail "roundhouse plugins exited with $?"; }
cat "$work/plugins.txt"
grep -E 'hello-plugin.*loaded' "$work/plugins.txt" >/dev/null || fail "hello-plugin is not shown as loaded"
grep -E 'storage-memory.*loaded' "$work/plugins.txt" >/dev/null || fail "storage-memory (hello's dependency) is not loaded"
if [[ -n $incompatible ]]; then
  grep -E 'refused.*ABI major 2|ABI major 2.*refused' "$work/plugins.txt" >/dev/null \
    || fail "the incompatible plugin is not shown as refused with 'ABI major 2'"
fi

step "roundhouse plugins --json"
"$prefix/bin/roundhouse" plugins --json >"$work/plugins.json" || fail "roundhouse plugins --json"
/usr/bin/python3 - "$work/plugins.json" <<'PY' || fail "--json output does not show hello-plugin loaded"
import json, sys
doc = json.load(open(sys.argv[1]))
plugins = doc["plugins"] if isinstance(doc, dict) else doc
hello = [p for p in plugins if p.get("name") == "hello-plugin"]
assert hello, "hello-plugin missing from --json output"
assert hello[0].get("state") == "loaded", hello[0]
PY

echo "PASS: out-of-tree plugin built against the installed SDK and loaded by the installed host"
