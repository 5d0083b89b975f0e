#!/usr/bin/env bash
# Prints the path of a Python (3.10+) that can load SQLite extensions, which
# SpatiaLite needs. pyenv builds often cannot; Debian's /usr/bin/python3 can.
set -u
for candidate in "${PYTHON:-}" /usr/bin/python3 python3.12 python3.11 python3.10 python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" - <<'PY' 2>/dev/null
import sqlite3, sys, venv  # noqa: F401 - venv must exist too (Debian: python3-venv)
assert sys.version_info >= (3, 10)
assert hasattr(sqlite3.connect(":memory:"), "enable_load_extension")
PY
  then
    echo "$path"
    exit 0
  fi
done
cat >&2 <<'MSG'
No Python 3.10+ able to load SQLite extensions (needed by SpatiaLite) was found.
On Debian: apt-get install python3 python3-venv   (then /usr/bin/python3 works)
Or point PYTHON=/path/to/python3 at an interpreter built with --enable-loadable-sqlite-extensions.
MSG
exit 1
