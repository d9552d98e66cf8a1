#!/usr/bin/env bash
# Installs what the Label Studio tests need on a fresh Debian machine:
#   - the Label Studio server in its own venv, <repo>/.venv-studio (label-studio 1.23 pins
#     pyarrow<25 and other old libraries, which must not leak into the project's venv);
#     `tarifftalks studio` finds it there (or via $TARIFFTALKS_LABEL_STUDIO);
#   - Debian's chromium for the browser smoke test (only when missing; no browser downloads);
#   - Debian's postgresql for `studio up --postgres` and the PostgreSQL-backed tests (block below).
# Idempotent: a second run changes nothing. The test session starts and stops the server itself.
set -euo pipefail

cd "$(dirname "$0")/.."
LS_VERSION="${LABEL_STUDIO_VERSION:-1.23.2}"
PYTHON="${PYTHON:-python3}"
VENV=".venv-studio"

if ! "$VENV/bin/python" -c "import label_studio, sys; sys.exit(label_studio.__version__ != '$LS_VERSION')" 2>/dev/null; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "label-studio==$LS_VERSION"
fi
# Never `label-studio --version`: it runs the migrations and creates a database in $HOME.
"$VENV/bin/python" -c "import label_studio; print('label-studio', label_studio.__version__, 'in $VENV')"

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
chromium --version

# --- PostgreSQL (issue 13) -----------------------------------------------------------------------
# Label Studio's production database, for `tarifftalks studio up --postgres` and the tests' second
# server: Debian's server binaries (initdb, pg_ctl, postgres in /usr/lib/postgresql/<v>/bin). The
# command makes its own throwaway cluster on 127.0.0.1; the system cluster is not used.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi
# The server's venv must import its PostgreSQL driver (label-studio depends on psycopg 3).
"$VENV/bin/python" -c "import psycopg; print('psycopg', psycopg.__version__, 'in $VENV')"
