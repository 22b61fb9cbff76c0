"""Reading the values of a record: text cleaned of what scraping leaves (white space,
NBSP, invisible characters, trailing dots) and the shapes the national portal writes
lists, numbers, booleans and dates in. What a parsed record holds is defined here too."""

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..search import fold

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACE_LIKE = re.compile(r"[^\S\n]+")  # white space other than line breaks, NBSP included


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, in the active language."""


@dataclass(frozen=True)
class FieldRef:
    name: str
    code: str  # a slug: the record's MALINHVUC, else the folded name


@dataclass
class ProcedureData:
    """One record read: the model values of the keys it carries (an absent key leaves the
    catalogue's value alone on update), its field, documents and the warnings raised."""

    code: str
    values: dict
    field: FieldRef | None = None
    documents: list | None = None  # None: the record lists no documents
    warnings: list = dataclasses.field(default_factory=list)


def clean_text(value):
    """Multi-line text tidied: NFC, no invisible characters, one space between words, no
    blank lines, no spaces at line ends."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(value)).replace("\r", "\n"))
    lines = (line.strip() for line in _SPACE_LIKE.sub(" ", text).split("\n"))
    return "\n".join(line for line in lines if line)


def clean_label(value):
    """A one-line name: clean_text on one line, without the trailing dot of scraped text."""
    return clean_text(value).replace("\n", " ").rstrip(" .")


def read_text(value, key):
    if value is None:
        return ""
    if isinstance(value, (bool, list, dict)):
        raise RecordError(_("%(key)s must be text.") % {"key": key})
    return clean_text(value)


def read_label(value, key):
    return read_text(value, key).replace("\n", " ").rstrip(" .")


def read_items(value, key):
    """A list of the record; a single object is read as a list of one."""
    if value in (None, ""):
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise RecordError(_("%(key)s must be a list.") % {"key": key})
    return value


def item_value(item, name, key):
    """``item[name]`` of a list entry; a bare string entry is taken as that value."""
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        raise RecordError(_("Each entry of %(key)s must be an object.") % {"key": key})
    return item.get(name)


def read_integer(value, key, default=None):
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise RecordError(_("%(key)s must be a whole number.") % {"key": key})
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise RecordError(
        _("%(key)s must be a whole number, not %(value)s.") % {"key": key, "value": repr(value)}
    )


def read_count(value, key):
    count = read_integer(value, key, default=0)
    if not 0 <= count <= 32767:
        raise RecordError(_("%(key)s must be between 0 and 32767.") % {"key": key})
    return count


def read_boolean(value, key):
    if isinstance(value, bool) or value is None:
        return bool(value)
    folded = fold(str(value))
    if folded in {"1", "true", "co", "yes"}:
        return True
    if folded in {"0", "false", "khong", "no", ""}:
        return False
    raise RecordError(_("%(key)s must be true or false.") % {"key": key})


def to_decimal(text):
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def read_date(value, key):
    if value in (None, ""):
        return None
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    raise RecordError(_("%(key)s must be a date (YYYY-MM-DD).") % {"key": key})
