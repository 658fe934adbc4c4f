#!/usr/bin/env bash
# Installs libvalidate for C and C++ projects:
#   PREFIX/include/validate.h
#   PREFIX/lib/libvalidate.so, PREFIX/lib/libvalidate.a
#   PREFIX/lib/pkgconfig/validate.pc            (pkg-config --cflags --libs validate)
#   PREFIX/lib/cmake/validate/validateConfig.cmake (find_package(validate))
# Usage: ffi/install.sh [--profile release|debug] [--no-build] PREFIX
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
build=1
while [ $# -gt 1 ]; do
  case "$1" in
    --profile) profile=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--profile release|debug] [--no-build] PREFIX" >&2; exit 2; }
prefix=$(mkdir -p "$1" && cd "$1" && pwd)
if [ "$build" = 1 ]; then
  if [ "$profile" = release ]; then cargo build --locked --release -p validate-ffi; else cargo build --locked -p validate-ffi; fi
fi
target=${CARGO_TARGET_DIR:-target}/$profile
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
install -d "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/validate"
install -m 644 include/validate.h "$prefix/include/"
install -m 755 "$target/libvalidate.so" "$prefix/lib/"
install -m 644 "$target/libvalidate.a" "$prefix/lib/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" ffi/validate.pc.in >"$prefix/lib/pkgconfig/validate.pc"
install -m 644 ffi/cmake/validateConfig.cmake "$prefix/lib/cmake/validate/"
echo "installed libvalidate $version in $prefix"
