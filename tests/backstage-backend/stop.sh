#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Stops what start.sh started from STATE_DIR: only the PIDs recorded in STATE_DIR/run, and only while
# the process with that PID still has the expected command line. Safe to run twice.
# Usage: stop.sh STATE_DIR
set -uo pipefail
STATE="${1:?usage: stop.sh STATE_DIR}"
RUN="$STATE/run"

stop_pid() { # stop_pid PIDFILE PATTERN SIGNAL NAME
  local f="$1" pat="$2" sig="$3" name="$4" pid
  [[ -s "$f" ]] || return 0
  pid="$(head -1 "$f")"
  if [[ ! -r "/proc/$pid/cmdline" ]] || ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$pat"; then
    rm -f "$f"; return 0
  fi
  kill -s "$sig" "$pid" 2>/dev/null
  for _ in $(seq 1 60); do [[ -d "/proc/$pid" ]] || break; sleep 0.5; done
  if [[ -d "/proc/$pid" ]]; then echo "[stop] $name: pid $pid still alive after 30 s, SIGKILL"; kill -KILL "$pid" 2>/dev/null; fi
  rm -f "$f"; echo "[stop] $name: stopped pid $pid"
}

stop_pid "$RUN/backend.pid" "index.js" TERM backend
stop_pid "$RUN/pg.pid" "postgres" INT postgres   # SIGINT = PostgreSQL "fast" shutdown
exit 0
