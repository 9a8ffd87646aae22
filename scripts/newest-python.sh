#!/usr/bin/env bash
# The newest Python the project supports, for CI's second interpreter (the oldest is the machine's own).
# These machines reach Debian's archive but not python.org, so the source is Debian trixie's copy of the
# upstream release tarball, checked against the SHA-256 recorded here, built once into var/ and reused.
set -euo pipefail
VERSION=3.13.5
SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
URL="http://deb.debian.org/debian/pool/main/p/python3.13/python3.13_${VERSION}.orig.tar.xz"
cd "$(dirname "$0")/.."
PREFIX="$PWD/var/python-$VERSION"
BIN="$PREFIX/bin/python3.13"
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "Building Python $VERSION into $PREFIX (once; a few minutes)" >&2
curl --fail --silent --show-error --location --retry 3 --output "$WORK/python.tar.xz" "$URL"
echo "$SHA256  $WORK/python.tar.xz" | sha256sum --check --quiet -
tar -xJf "$WORK/python.tar.xz" -C "$WORK"
(
  cd "$WORK/Python-$VERSION"
  ./configure --quiet --prefix="$PREFIX" --with-ensurepip=install >"$WORK/configure.log" 2>&1 \
    || { tail -30 "$WORK/configure.log" >&2; exit 1; }
  make --quiet -j"$(nproc)" >"$WORK/make.log" 2>&1 || { tail -30 "$WORK/make.log" >&2; exit 1; }
  make --quiet altinstall >"$WORK/install.log" 2>&1 || { tail -30 "$WORK/install.log" >&2; exit 1; }
)
"$BIN" -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid' || { echo "Python $VERSION lacks a module" >&2; exit 1; }
echo "$BIN"
