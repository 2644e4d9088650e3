#!/usr/bin/env bash
# Makes examples/*.ipynb runnable headless: Jupyter's nbconvert, client and IPython kernel from
# Debian (installed only when absent; needs root or sudo), and the tslab TypeScript kernel from npm
# (pinned in .ci/jupyter/package.json and its lock file), registered inside the project under
# .ci/jupyter/prefix for Debian's /usr/bin/python3 (another python3 may come first on PATH).
#
#   .ci/setup-jupyter.sh            install what is missing, then check
#   .ci/setup-jupyter.sh --check    only check (exit 0 when ready, 1 when not); installs nothing
#
# Run a notebook afterwards with:
#   JUPYTER_PATH="$PWD/.ci/jupyter/prefix/share/jupyter" jupyter nbconvert --execute --to notebook \
#     --output /tmp/out.ipynb examples/compare-editions.ipynb
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
HERE="$ROOT/.ci/jupyter"
PY=/usr/bin/python3
KERNEL="$HERE/prefix/share/jupyter/kernels/tslab/kernel.json"

jupyter_ready() {
  [ -x "$PY" ] && "$PY" -c "import nbconvert, jupyter_client, ipykernel" 2>/dev/null && [ -x /usr/bin/jupyter-nbconvert ]
}
kernel_ready() {
  [ -x "$HERE/node_modules/.bin/tslab" ] && [ -f "$KERNEL" ] && grep -q "$HERE/node_modules/.bin/tslab" "$KERNEL"
}

if [ "${1:-}" = "--check" ]; then
  jupyter_ready && kernel_ready
  exit $?
fi

if ! jupyter_ready; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup-jupyter: Jupyter (nbconvert) is missing and installing it needs root: apt-get install -y jupyter-nbconvert jupyter-client python3-ipykernel" >&2
    exit 1
  fi
  echo "setup-jupyter: installing jupyter-nbconvert, jupyter-client and python3-ipykernel (Debian)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq jupyter-nbconvert jupyter-client python3-ipykernel >/dev/null
fi

if ! kernel_ready; then
  echo "setup-jupyter: installing tslab (npm, pinned) into .ci/jupyter and registering its kernel there" >&2
  npm install --prefix "$HERE" --no-audit --no-fund --loglevel=error
  "$HERE/node_modules/.bin/tslab" install --python="$PY" --prefix "$HERE/prefix" --binary "$HERE/node_modules/.bin/tslab" >/dev/null
fi

jupyter_ready && kernel_ready
