#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts a real Backstage backend (catalog, auth/guest, scaffolder) for the live tests, on 127.0.0.1 only,
# in the background, and returns once the processes are launched (the caller waits for readiness).
#
# Usage: start.sh STATE_DIR
#   STATE_DIR   where pid files, logs, the scaffolder work directory and the PostgreSQL cluster go
#               (the test passes a directory under the build tree)
# Environment:
#   FLIGHTDECK_BS_PORT        backend port (required; the test picks a free one)
#   FLIGHTDECK_BS_TOKEN       static token accepted as "Authorization: Bearer <token>" (required)
#   FLIGHTDECK_BS_CATALOG     catalog location target (default: catalog/*.yaml beside this script)
#   FLIGHTDECK_BS_DB          auto (default) | sqlite | pg. auto: in-memory SQLite when better-sqlite3 was
#                             built by npm ci, else a private PostgreSQL cluster
#   FLIGHTDECK_BS_PG_PORT     PostgreSQL port (default: FLIGHTDECK_BS_PORT + 1)
#   FLIGHTDECK_BS_OWNER_PID   when set, a watchdog stops everything once this process is gone
#   FLIGHTDECK_BS_CACHE       where node_modules is installed, one directory per package-lock.json
#                             (default: ${XDG_CACHE_HOME:-~/.cache}/flightdeck/backstage-backend)
# The npm install lives outside the source tree and is shared by every build directory.
set -euo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${1:?usage: start.sh STATE_DIR}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
RUN="$STATE/run"; LOGS="$STATE/logs"
mkdir -p "$RUN" "$LOGS"
: "${FLIGHTDECK_BS_PORT:?set FLIGHTDECK_BS_PORT}"
: "${FLIGHTDECK_BS_TOKEN:?set FLIGHTDECK_BS_TOKEN}"

alive() { # alive PIDFILE PATTERN -> 0 if the recorded pid runs and its command line matches
  [[ -s "$1" ]] || return 1
  local pid; pid="$(head -1 "$1")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2"
}

if alive "$RUN/backend.pid" "index.js"; then
  echo "[start] a backend from $STATE is still running (pid $(cat "$RUN/backend.pid")); run stop.sh first" >&2
  exit 1
fi

# --- 1. dependencies: npm ci once per package-lock.json, under a lock so parallel runs do not collide
command -v node >/dev/null || { echo "[start] node is not installed (Debian: apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "[start] npm is not installed (Debian: apt-get install npm)" >&2; exit 1; }
CACHE_ROOT="${FLIGHTDECK_BS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flightdeck/backstage-backend}"
LOCKSUM="$(sha256sum "$SRC/package-lock.json" | cut -c1-16)"
INSTALL="$CACHE_ROOT/$LOCKSUM"
mkdir -p "$INSTALL"
(
  flock -w 1800 9 || { echo "[start] timed out waiting for another npm ci in $INSTALL" >&2; exit 1; }
  if [[ ! -f "$INSTALL/.installed" ]]; then
    echo "[start] npm ci in $INSTALL (first run: a few minutes)"
    rm -rf "$INSTALL/node_modules"
    cp "$SRC/package.json" "$SRC/package-lock.json" "$INSTALL/"
    # better-sqlite3 has no prebuilt binary offline; node-gyp builds it against the headers of the
    # nodejs package (/usr/include/node). It is optional: when the build fails, PostgreSQL is used.
    if ! (cd "$INSTALL" && npm_config_nodedir="${npm_config_nodedir:-/usr}" npm ci --no-audit --no-fund \
          >"$LOGS/npm-ci.log" 2>&1); then
      echo "[start] npm ci failed; tail of $LOGS/npm-ci.log:" >&2; tail -30 "$LOGS/npm-ci.log" >&2; exit 1
    fi
    touch "$INSTALL/.installed"
  fi
) 9>"$INSTALL/.lock"

# --- 2. database
DB="${FLIGHTDECK_BS_DB:-auto}"
if [[ "$DB" == auto ]]; then
  if (cd "$INSTALL" && node -e "new (require('better-sqlite3'))(':memory:').close()") >/dev/null 2>&1; then
    DB=sqlite
  else
    DB=pg
  fi
fi
CONFIGS=(--config "$SRC/app-config.yaml")
export BS_PG_HOST=127.0.0.1
export BS_PG_PORT="${FLIGHTDECK_BS_PG_PORT:-$((FLIGHTDECK_BS_PORT + 1))}"
export BS_PG_USER=postgres
export BS_PG_PASSWORD=unused-trust-auth
if [[ "$DB" == sqlite ]]; then
  CONFIGS+=(--config "$SRC/app-config.sqlite.yaml")
  echo "[start] database: in-memory SQLite"
else
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
    echo "[start] PostgreSQL is not installed and better-sqlite3 did not build (Debian: apt-get install postgresql)" >&2
    exit 1
  fi
  PGDATA="$STATE/pgdata"
  if alive "$RUN/pg.pid" postgres; then
    echo "[start] a PostgreSQL from $STATE is still running; run stop.sh first" >&2; exit 1
  fi
  # A fresh cluster per run: the catalog starts empty and initdb takes under a second.
  rm -rf "$PGDATA"; mkdir -p "$PGDATA"; chmod 700 "$PGDATA"
  AS=()
  if [[ "$(id -u)" == 0 ]]; then   # PostgreSQL refuses to run as root
    chown postgres:postgres "$PGDATA"
    AS=(runuser -u postgres --)
  fi
  "${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$LOGS/initdb.log" 2>&1 \
    || { echo "[start] initdb failed; see $LOGS/initdb.log" >&2; exit 1; }
  # TCP on 127.0.0.1 only, no Unix socket (its path could exceed the 107-byte limit under a deep build dir)
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $BS_PG_PORT -c unix_socket_directories='' -c max_connections=100" start \
    >"$LOGS/pg_ctl.log" 2>&1 \
    || { echo "[start] PostgreSQL did not start; see $LOGS/pg_ctl.log and $PGDATA/postgres.log" >&2; exit 1; }
  head -1 "$PGDATA/postmaster.pid" > "$RUN/pg.pid"
  echo "[start] database: PostgreSQL pid $(cat "$RUN/pg.pid") on 127.0.0.1:$BS_PG_PORT"
fi
CONFIGS+=(--config "$SRC/app-config.flightdeck.yaml")

# --- 3. backend
export BS_PORT="$FLIGHTDECK_BS_PORT"
export BS_STATIC_TOKEN="$FLIGHTDECK_BS_TOKEN"
export BS_CATALOG_TARGET="${FLIGHTDECK_BS_CATALOG:-$SRC/catalog/*.yaml}"
export BS_WORK_DIR="$STATE/work"; mkdir -p "$BS_WORK_DIR"
export NODE_PATH="$INSTALL/node_modules"
# Backstage looks for a package.json upwards from the working directory; the install has one.
cd "$INSTALL"
nohup node "$SRC/index.js" "${CONFIGS[@]}" >"$LOGS/backend.log" 2>&1 </dev/null &
echo $! > "$RUN/backend.pid"
echo "[start] backend pid $(cat "$RUN/backend.pid") on http://127.0.0.1:$BS_PORT, log $LOGS/backend.log"

# --- 4. watchdog: never leave a backend behind a test that crashed
if [[ -n "${FLIGHTDECK_BS_OWNER_PID:-}" ]]; then
  nohup bash -c '
    while kill -0 "$1" 2>/dev/null && [[ -s "$3/run/backend.pid" ]]; do sleep 2; done
    exec "$2/stop.sh" "$3"' flightdeck-bs-watchdog "$FLIGHTDECK_BS_OWNER_PID" "$SRC" "$STATE" \
    >"$LOGS/watchdog.log" 2>&1 </dev/null &
fi
