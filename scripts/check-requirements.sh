#!/usr/bin/env bash
# What `make run` needs from the system, checked before anything is installed; each missing
# part is named with the Debian/Ubuntu package that provides it. Nothing is installed here.
# Usage: scripts/check-requirements.sh PYTHON
set -uo pipefail
python="${1:-python3}"
missing=()

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  found="$("$python" --version 2>/dev/null || echo "no $python")"
  echo "Python 3.11 or newer is needed (found: $found)." >&2
  missing+=(python3.11 python3.11-venv)
  python=python3  # the library checks below still need a Python to ask the linker
elif ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  echo "Python's venv module is missing." >&2
  missing+=(python3.11-venv)
fi

if ! command -v msgfmt >/dev/null; then
  echo "GNU gettext's msgfmt is missing: the Vietnamese translations cannot be compiled." >&2
  missing+=(gettext)
fi

# WeasyPrint (receipts and official forms as PDF) loads these libraries when it starts.
for pair in pango-1.0:libpango-1.0-0 pangoft2-1.0:libpangoft2-1.0-0 harfbuzz:libharfbuzz0b \
  cairo:libcairo2 gdk_pixbuf-2.0:libgdk-pixbuf-2.0-0; do
  library="${pair%%:*}" package="${pair#*:}"
  if ! "$python" -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('$library'))" \
    2>/dev/null; then
    echo "The $library library is missing (WeasyPrint needs it for the printed forms)." >&2
    missing+=("$package")
  fi
done

# The printed forms and the pages are set in Noto Sans, which has every Vietnamese letter.
if ! fc-list 2>/dev/null | grep -q "NotoSans-Regular" &&
  [ ! -e /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ]; then
  echo "The Noto fonts are missing (the printed forms use Noto Sans)." >&2
  missing+=(fonts-noto-core)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo >&2
  echo "Install them, then run make again:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
