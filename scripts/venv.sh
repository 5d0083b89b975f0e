#!/usr/bin/env bash
# Creates .venv with an interpreter that can load SpatiaLite, or keeps a good one.
set -eu
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ] && .venv/bin/python -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension' 2>/dev/null; then
  exit 0
fi
python=$(scripts/python.sh)
rm -rf .venv
echo "Creating .venv with $python"
"$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
