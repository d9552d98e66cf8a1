#!/usr/bin/env bash
# Installs what the Label Studio tests need on a fresh Debian machine:
#   - the Label Studio server in its own venv, <repo>/.venv-studio (label-studio 1.23 pins
#     pyarrow<25 and other old libraries, which must not leak into the project's venv);
#     `tarifftalks studio` finds it there (or via $TARIFFTALKS_LABEL_STUDIO);
#   - Debian's chromium for the browser smoke test (only when missing; no browser downloads);
#   - Debian's postgresql for `studio up --postgres` and the PostgreSQL-backed tests (block below).
# Idempotent: a second run changes nothing. The test session starts and stops the server itself.
# The server's versions are pinned in constraints-studio.txt (its own file: label-studio pins
# pyarrow<25; regenerate with scripts/lock.sh). One line per step with its time.
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/steps.sh
LS_VERSION="${LABEL_STUDIO_VERSION:-$(sed -n 's/^label-studio==//p' constraints-studio.txt)}"
PYTHON="${PYTHON:-python3}"
VENV=".venv-studio"

# --- the Label Studio server venv ---
echo "install-studio: $VENV, chromium (log: $STEPS_LOG)" >&2
if [ ! -x "$VENV/bin/python" ]; then
  step "create $VENV ($("$PYTHON" -V 2>&1))" "$PYTHON" -m venv "$VENV"
fi
want=$(stamp "$VENV" constraints-studio.txt scripts/steps.sh)
if [ "$(cat "$VENV/.tarifftalks-stamp" 2>/dev/null)" = "$want" ] &&
  "$VENV/bin/python" -c "import label_studio, sys; sys.exit(label_studio.__version__ != '$LS_VERSION')" 2>/dev/null; then
  echo "  label-studio $LS_VERSION up to date" >&2
else
  rm -f "$VENV/.tarifftalks-stamp"
  pins_install "$VENV" constraints-studio.txt "label-studio==$LS_VERSION"
  echo "$want" >"$VENV/.tarifftalks-stamp"
fi
# Never `label-studio --version`: it runs the migrations and creates a database in $HOME.
"$VENV/bin/python" -c "import label_studio; print('label-studio', label_studio.__version__, 'in $VENV')"

# --- system packages (Debian) ---
# --no-install-recommends: chromium's recommends pull ~130 packages (systemd, cups, samba
# helpers) that a headless smoke test never uses.
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  step "apt-get update" $SUDO apt-get update -qq
  step "apt-get install chromium" $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends chromium
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
