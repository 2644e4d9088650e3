#!/usr/bin/env bash
# Makes sure a PostgreSQL server (initdb, pg_ctl, postgres) is installed, for the SQL tests
# (test/sql/postgres.test.ts starts its own throwaway server from these binaries, on a loopback
# port in a temporary directory, and stops it afterwards; nothing here starts a server).
#
#   .ci/setup-postgres.sh          # prints the bin directory; installs Debian's postgresql if missing
#
# Called by the Postgres test setup when no initdb is found, and usable from .ci/run before
# `npm test`. Needs root (or sudo) and apt-get only when PostgreSQL is missing.
set -euo pipefail

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir)"
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  fi
  return 1
}

if bin="$(find_bin)"; then
  echo "$bin"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-postgres: no initdb found and no apt-get to install PostgreSQL" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup-postgres: installing PostgreSQL needs root" >&2
    exit 1
  fi
fi
echo "setup-postgres: installing postgresql (Debian package)..." >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
find_bin
