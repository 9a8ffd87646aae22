#!/usr/bin/env bash
# Known vulnerabilities in the Python packages installed in .venv (the app, its test tools, and
# what they pull in), from PyPI's advisory data: pip-audit asks the PyPI JSON API about each
# package, so this needs the network.
#
# Exits non-zero when a package has a known vulnerability, and also when any package could not be
# checked (--strict): an audit that reached no advisory data must not pass as "nothing found".
# The project itself is installed editable and is not on PyPI, so it is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
if ! "$python" -m pip_audit --progress-spinner off --strict --skip-editable --desc on "$@"; then
  echo "audit-dependencies: a known vulnerability, or a package whose advisories could not be fetched" \
       "(is https://pypi.org/pypi/<name>/<version>/json reachable?). See above." >&2
  exit 1
fi
