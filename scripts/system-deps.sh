#!/usr/bin/env bash
# Makes sure the Debian packages the portal needs are installed.
# Usage: scripts/system-deps.sh run|test|ci
# As root with apt it installs what is missing; otherwise it prints the command and stops.
set -eu
packages=(gdal-bin libsqlite3-mod-spatialite python3-venv nodejs npm)
case "${1:-run}" in
  run) ;;
  test) packages+=(chromium) ;;
  ci) packages+=(chromium postgresql-15-postgis-3) ;;
  *) echo "usage: $0 run|test|ci" >&2; exit 2 ;;
esac
missing=()
for package in "${packages[@]}"; do
  if [ "$package" = nodejs ] || [ "$package" = npm ]; then
    command -v "${package/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
