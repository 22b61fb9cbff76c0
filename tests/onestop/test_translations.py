"""The Vietnamese catalogue is complete and compiled: a server whose translations were not
compiled, or a string added without its translation, would serve half-English pages.

Uses GNU gettext's tools (msgattrib, msgfmt, msgunfmt), which `make messages` needs too.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
# The Vietnamese of the libraries' messages their own catalogues lack (settings.LOCALE_PATHS).
OVERRIDES = sorted((ROOT / "locale_overrides" / "vi" / "LC_MESSAGES").glob("*.po"))
KEYWORDS = ("msgctxt", "msgid", "msgid_plural", "msgstr")


@pytest.fixture(scope="module", autouse=True)
def _gettext_tools():
    missing = [tool for tool in ("msgattrib", "msgfmt", "msgunfmt") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"GNU gettext is missing ({', '.join(missing)}): apt-get install gettext")


def gettext(*arguments):
    return subprocess.run(arguments, capture_output=True, text=True, check=True).stdout


def msgids(po_text):
    """The msgids of a catalogue's entries (the header's empty one left out)."""
    found, current, keyword = [], None, None
    for line in po_text.splitlines():
        if line.startswith(KEYWORDS):
            keyword, _space, value = line.partition(" ")
            if keyword == "msgid":
                current = value[1:-1]
                found.append(current)
        elif line.startswith('"') and keyword == "msgid":
            found[-1] += line[1:-1]
    return [msgid for msgid in found if msgid]


def unfinished(po_path):
    """Entries without a Vietnamese msgstr, or only a fuzzy (unchecked) one."""
    untranslated = gettext("msgattrib", "--untranslated", "--no-wrap", str(po_path))
    fuzzy = gettext("msgattrib", "--only-fuzzy", "--no-wrap", str(po_path))
    return sorted({*msgids(untranslated), *msgids(fuzzy)})


@pytest.mark.parametrize("po", [PO, *OVERRIDES], ids=lambda po: str(po.relative_to(ROOT)))
def test_every_entry_has_a_checked_vietnamese_translation(po):
    missing = unfinished(po)
    assert not missing, f"Translate in {po.relative_to(ROOT)}:\n" + "\n".join(missing)


@pytest.mark.parametrize("po", [PO, *OVERRIDES], ids=lambda po: str(po.relative_to(ROOT)))
def test_the_compiled_catalogue_is_the_current_one(tmp_path, po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run `make messages`"
    fresh = tmp_path / mo.name
    gettext("msgfmt", "--check-format", "-o", str(fresh), str(po))
    stale = f"{mo.name} is older than {po.name}: run `make messages`"
    assert gettext("msgunfmt", str(mo)) == gettext("msgunfmt", str(fresh)), stale


def test_every_string_marked_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the sources, merged into a copy of the catalogue: what
    it adds (empty, or fuzzy when it resembles an old entry) is missing from ours."""
    for package in sorted(own_packages()):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    for name in ("templates", "locale", "manage.py"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        env=os.environ,
        check=True,
    )
    missing = unfinished(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po")
    assert not missing, "Add to locale/vi/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def own_packages():
    """The project's own apps (and the project package), not third-party ones."""
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.parent == ROOT:
            yield path.name
