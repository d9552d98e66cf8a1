# Sourced by the set-up scripts: one line per step with its time, the step's own output kept in a
# log that is shown only when the step fails. Also the installer: uv where it works, else pip.
#   step "what it does" command args...

export STEPS_LOG=${STEPS_LOG:-$(mktemp -t tarifftalks-setup.XXXXXX)}

_now() { printf '%s' "${EPOCHREALTIME/,/.}"; }

step() {
  local label=$1 t0 rc=0
  shift
  t0=$(_now)
  printf '%-58s' "  $label" >&2
  echo "=== $label: $*" >>"$STEPS_LOG"
  "$@" >>"$STEPS_LOG" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    printf 'FAILED (%s s)\n' "$(_elapsed "$t0")" >&2
    tail -n 30 "$STEPS_LOG" >&2
    echo "full log: $STEPS_LOG" >&2
    return "$rc"
  fi
  printf '%6s s\n' "$(_elapsed "$t0")" >&2
}

_elapsed() { awk -v a="$1" -v b="$(_now)" 'BEGIN { printf "%.1f", b - a }'; }

# pins_install VENV CONSTRAINTS SPEC...: install SPEC into VENV pinned by CONSTRAINTS, with uv
# from the package index when it works (seconds), else with the venv's pip (a minute or more;
# pip also reads this machine's pip configuration: local indexes that uv does not read).
# --compile-bytecode: pip writes .pyc files at install, uv only when asked; without them, and
# with PYTHONDONTWRITEBYTECODE set (as on these machines), every command compiled scikit-learn,
# scipy, datasets… again: 20 s of each `tarifftalks build`.
pins_install() {
  local venv=$1 pins=$2
  shift 2
  local uv_pin
  uv_pin=$(sed -n 's/^uv==//p' constraints.txt)
  if [ "${TARIFFTALKS_NO_UV:-}" != 1 ] && [ -x .venv/bin/python ]; then
    if [ ! -x .venv/bin/uv ] || ! .venv/bin/uv --version | grep -qF " ${uv_pin:-} "; then
      step "get uv ${uv_pin:-} (pip)" .venv/bin/python -m pip install --quiet --force-reinstall \
        "uv${uv_pin:+==$uv_pin}" || true
    fi
    if [ -x .venv/bin/uv ] &&
      step "install $* (uv, -c $pins)" .venv/bin/uv pip install --compile-bytecode \
        --python "$venv/bin/python" -c "$pins" "$@"; then
      return 0
    fi
    echo "  no working uv (above): installing with pip" >&2
  fi
  step "install $* (pip, -c $pins)" "$venv/bin/python" -m pip install --quiet -c "$pins" "$@"
}

# stamp VENV FILE...: a digest of an install's inputs (and the venv's Python), to skip it when
# nothing changed; kept in VENV/.tarifftalks-stamp once the install succeeded.
stamp() {
  local venv=$1
  shift
  { cat "$@"; "$venv/bin/python" -V 2>&1; } | sha256sum | cut -c1-64
}
