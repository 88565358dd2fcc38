#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine. Safe to run again: it installs
# only what is missing, then does the job.
#   bash tools/setup.sh demo   install, then run VeriAssist on a design from designs/
#   bash tools/setup.sh test   install, then lint, type-check and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."
job="${1:-test}"

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=()
command -v iverilog >/dev/null || packages+=(iverilog)
command -v bwrap >/dev/null || packages+=(bubblewrap)
command -v yosys >/dev/null || packages+=(yosys)  # the formal equivalence verdict (check --formal)
command -v cc >/dev/null && [ -f /usr/include/linux/seccomp.h ] || packages+=(gcc libc6-dev)  # the Landlock launcher
command -v git >/dev/null || packages+=(git)
python3 -c "import venv, ensurepip" 2>/dev/null || packages+=(python3-venv python3-pip)
if [ "$job" = test ]; then
  command -v chromium >/dev/null || packages+=(chromium)  # the HTML report is checked in a real browser
  command -v npm >/dev/null || packages+=(nodejs npm)     # the VS Code extension is compiled and packaged
  command -v nvim >/dev/null || packages+=(neovim)        # the Neovim config in docs/editors.md is run
fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${packages[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"
export PATH="$PWD/.venv/bin:$PATH"

# Editors and MCP clients start `veriassist` by name (docs/editors.md): put a launcher on PATH.
install_launcher() {
  local bin="$HOME/.local/bin" target="$PWD/.venv/bin/veriassist"
  mkdir -p "$bin"
  if [ -e "$bin/veriassist" ] && [ ! -L "$bin/veriassist" ]; then
    echo "setup: $bin/veriassist exists and is not our link; left alone (editors need $target)" >&2
    return 0
  fi
  ln -sfn "$target" "$bin/veriassist"
  echo "setup: linked $bin/veriassist -> $target (the name editors and MCP clients run)"
  case ":$PATH:" in
    *":$bin:"*) ;;
    *) echo "setup: $bin is not on PATH; log in again (Debian's ~/.profile adds it) or: export PATH=\"$bin:\$PATH\"" ;;
  esac
}

case "$job" in
  demo)
    install_launcher
    exec bash tools/demo.sh "${@:2}"
    ;;
  test)
    ruff check veriassist tests tools
    ruff format --check veriassist tests tools
    mypy
    lint-imports --no-cache
    if [ -f editors/vscode/package.json ]; then (cd editors/vscode && npm ci --no-audit --no-fund --silent && npm run --silent compile); fi
    exec python -m pytest -n 2 -q
    ;;
  *)
    echo "usage: bash tools/setup.sh demo|test" >&2
    exit 2
    ;;
esac
