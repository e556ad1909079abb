#!/usr/bin/env bash
# Create .venv with pinned torch/torchvision and nbdev 2, and install cdx in editable mode. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
if ! .venv/bin/python -c "import cdx, torchvision, nbdev, papermill, jupyterlab, ipywidgets, distributed; import shutil, sys; sys.exit(not shutil.which('ruff', path='.venv/bin'))" >/dev/null 2>&1; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q torch==2.14.1 torchvision==0.29.1
  .venv/bin/pip install -q -e ".[dev]"
fi
