#!/usr/bin/env bash
# ADL's xAPI LRS conformance suite against this project's /xapi, for xAPI 2.0.0 and 1.0.3.
#
#   scripts/lrs_conformance.sh            (or: make lrs-conformance)
#
# Creates a throwaway PostgreSQL database, migrates it, makes an LRS credential, starts gunicorn
# on it, runs the suite for both versions, prints each summary line and exits non-zero if any
# test fails (or the suite could not run). The server is stopped and the database dropped on exit.
#
# Environment (all optional):
#   LRS_CONF_PG       PostgreSQL server URL without a database   postgres://postgres@127.0.0.1:5432
#   LRS_CONF_DB       the throwaway database (dropped first!)     fsm_lrs_conf
#   LRS_CONF_PORT     the port gunicorn listens on                a free one
#   LRS_CONF_SUITE    ADL's suite source                          ../shared/tools/lrs-conformance-test-suite
#                                                                 (or ../../shared/tools, /work/shared/tools)
#   LRS_SUITE_HOME    where its npm dependencies are installed    ~/.cache/lrs-conformance-suite
#   LRS_CONF_VERSIONS which versions to run                       "2.0.0 1.0.3"
#   LRS_CONF_KEEP_DB  1 keeps the database afterwards (to look at what the suite stored)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${PYTHON:-$root/.venv/bin/python}
gunicorn=${GUNICORN:-$root/.venv/bin/gunicorn}
pg=${LRS_CONF_PG:-postgres://postgres@127.0.0.1:5432}
db=${LRS_CONF_DB:-fsm_lrs_conf}
port=${LRS_CONF_PORT:-$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
versions=${LRS_CONF_VERSIONS:-2.0.0 1.0.3}
home=${LRS_SUITE_HOME:-$HOME/.cache/lrs-conformance-suite}
logs=$(mktemp -d)

suite=${LRS_CONF_SUITE:-}
if [[ -z $suite ]]; then
  # Beside the checkout (../shared/tools, as the workplace lays it out), one level further up
  # (a worktree), or the workplace's own copy.
  for candidate in ../shared/tools/lrs-conformance-test-suite ../../shared/tools/lrs-conformance-test-suite \
    /work/shared/tools/lrs-conformance-test-suite; do
    [[ -d $candidate ]] && suite=$(cd "$candidate" && pwd) && break
  done
fi
[[ -n $suite && -f $suite/bin/console_runner.js ]] || {
  if [[ ${LRS_CONFORMANCE_REQUIRED:-0} != 1 ]]; then
    echo "lrs-conformance: not run: ADL's suite is not at ../shared/tools (set LRS_CONF_SUITE; CI requires it)."
    exit 0
  fi
  echo "ADL's conformance suite was not found: set LRS_CONF_SUITE to its directory." >&2
  exit 2
}
command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed." >&2; exit 2; }
[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "LRS_CONF_DB must be a plain database name." >&2; exit 2; }

server_pid=""
cleanup() {
  local status=$?
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ ${LRS_CONF_KEEP_DB:-0} != 1 ]]; then
    "$python" - "$pg" "$db" <<'EOF' || true
import sys, psycopg
with psycopg.connect(f"{sys.argv[1]}/postgres", autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
EOF
  fi
  rm -rf "$logs"
  exit "$status"
}
trap cleanup EXIT INT TERM

# The suite's npm dependencies, installed once per version of its package.json.
stamp=$( (cat "$suite/package.json" "$suite/package-lock.json" 2>/dev/null || true) | sha256sum | cut -c1-16)
if [[ ! -f $home/.installed || $(cat "$home/.installed") != "$stamp" ]]; then
  echo "Installing the suite's npm dependencies into $home ..."
  rm -rf "$home" && mkdir -p "$home" && cp -R "$suite"/. "$home"/
  (cd "$home" && npm install --ignore-scripts --no-audit --no-fund >/dev/null)
  echo "$stamp" >"$home/.installed"
fi

echo "Creating the throwaway database $db ..."
"$python" - "$pg" "$db" <<'EOF'
import sys, psycopg
with psycopg.connect(f"{sys.argv[1]}/postgres", autocommit=True) as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    connection.execute(f'CREATE DATABASE "{sys.argv[2]}"')
EOF
export DJANGO_SETTINGS_MODULE=cms.settings.dev DATABASE_URL="$pg/$db"
unset REDIS_URL
"$python" manage.py migrate --no-input -v0
# The suite's option parser (commander 2) reads a value that starts with "-" as options of its
# own, and a secret is URL-safe base64, which starts with "-" once in 64: issue another until
# it does not (each is a credential of this throwaway database).
for attempt in $(seq 1 20); do
  read -r key secret < <("$python" manage.py lrs_credentials "conformance-suite-$attempt" \
    --scope statements/write --scope all/read --scope state | tail -n1)
  [[ $key != -* && $secret != -* ]] && break
done
[[ $key != -* && $secret != -* ]] || { echo "No credential without a leading '-' in 20 tries." >&2; exit 1; }

echo "Starting gunicorn on 127.0.0.1:$port ..."
"$gunicorn" cms.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
  --env DJANGO_SETTINGS_MODULE=cms.settings.dev >"$logs/server.log" 2>&1 &
server_pid=$!
about() {
  "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
    "http://127.0.0.1:$port/xapi/about" >/dev/null 2>&1
}
for _ in $(seq 1 60); do
  about && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$logs/server.log" >&2; echo "The server did not start." >&2; exit 1; }
  sleep 1
done
about || { echo "The server did not answer." >&2; exit 1; }

failed=0
for version in $versions; do
  echo "Running the suite for xAPI $version ..."
  (cd "$home" && node bin/console_runner.js -e "http://127.0.0.1:$port/xapi" -a -u "$key" -p "$secret" \
    -x "$version" -z) >"$logs/suite-$version.log" 2>&1 || true
  summary=$(grep -o '{"total":[^}]*}' "$logs/suite-$version.log" | tail -n1 || true)
  if [[ -z $summary ]]; then
    tail -n 30 "$logs/suite-$version.log" >&2
    echo "xAPI $version: the suite gave no summary." >&2
    failed=1
    continue
  fi
  echo "xAPI $version: $summary"
  if ! grep -q '"failed":0,' <<<"$summary"; then
    failed=1
    grep -E '^\s+[0-9]+\) |AssertionError|Error:' "$logs/suite-$version.log" | head -n 40 >&2 || true
  fi
done
exit "$failed"
