#!/usr/bin/env bash
# Refuses a Vietnamese catalogue with entries not (or not surely) translated: the server
# would show those strings in English in the middle of Vietnamese pages.
set -euo pipefail
po="${1:-locale/vi/LC_MESSAGES/django.po}"
if ! command -v msgfmt >/dev/null; then
  echo "msgfmt is missing: install GNU gettext (sudo apt-get install gettext)." >&2
  exit 1
fi
statistics="$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)"
if [[ "$statistics" == *fuzzy* || "$statistics" == *untranslated* ]]; then
  echo "$po: $statistics" >&2
  echo "Translate these entries (and remove their fuzzy mark):" >&2
  msgattrib --untranslated --no-location "$po" >&2
  msgattrib --only-fuzzy --no-location "$po" | sed '1,/^$/d' >&2
  exit 1
fi
