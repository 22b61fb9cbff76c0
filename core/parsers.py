"""API request bodies, read without trusting their shape.

Python's JSON decoder recurses once per nesting level, so a one-kilobyte body of a thousand
brackets raises RecursionError, which no view expects (a 500 for anyone, logged in or not).
The depth is therefore measured first, with a flat scan over the brackets outside strings,
and a body nested deeper than ``ONESTOP_JSON_MAX_DEPTH`` is refused before it is decoded.
Then every string of the decoded body, and every text field of a multipart body, must pass
``core.input_limits`` (no control characters, dates within 1900–2100). Every refusal is a
400: ``{"detail": …}`` for the body, ``{"<field>": ["…"]}`` for one value (a nested one
named by its path, ``applicant.name``).
"""

import json
import math
import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser, get_encoding

from .input_limits import first_problem, printable, value_problem

# A JSON string: a quote, then anything but a quote or backslash, or an escaped character, up
# to the closing quote — or to the end of the text, so that a match never fails once begun:
# a failing match would be retried from every later quote, quadratic on `"\"\"\"…`.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*\\?(?:"|\Z)', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONInputError(ValueError):
    """A JSON text refused before or after decoding; the message is for people, ``field``
    names the value at fault (empty for the text as a whole)."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


def nesting_depth(text):
    """How deep arrays and objects nest in a JSON text, brackets inside strings aside.
    Iterative: the scan and the running sum happen in C, whatever the depth."""
    brackets = _BRACKETS.findall(_STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def loads(text, max_depth=None):
    """Decode a JSON text within the input limits; JSONInputError (a ValueError) with a
    message for people otherwise."""
    max_depth = settings.ONESTOP_JSON_MAX_DEPTH if max_depth is None else max_depth
    too_deep = _("The JSON body nests deeper than %(limit)d levels.") % {"limit": max_depth}
    if nesting_depth(text) > max_depth:
        raise JSONInputError(too_deep)
    try:
        value = json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise JSONInputError(
            _("The request body is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    except RecursionError:
        # Unreachable after the depth check; kept so that no shape of input is ever a 500.
        raise JSONInputError(too_deep) from None
    except JSONInputError:
        raise
    except ValueError:
        # Python refuses integers of more than 4,300 digits.
        raise JSONInputError(_("A number in the JSON body is too large.")) from None
    _check_strings(value)
    return value


def _finite_float(literal):
    number = float(literal)
    if not math.isfinite(number):
        raise JSONInputError(_("A number in the JSON body is too large."))
    return number


def _no_constant(name):
    raise JSONInputError(_("The JSON body holds %(name)s, which is not a number.") % {"name": name})


def _check_strings(value):
    """Every key and string of decoded JSON against ``core.input_limits``, walked without
    recursion; JSONInputError naming the first value at fault."""
    pending = [((), value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            _check_string(path, item)
        elif isinstance(item, dict):
            for key, member in item.items():
                _check_string((*path, key), key)
                pending.append(((*path, key), member))
        elif isinstance(item, list):
            pending.extend(((*path, str(index)), member) for index, member in enumerate(item))


def _check_string(path, string):
    message = value_problem(string)
    if message:
        raise JSONInputError(message, field=".".join(printable(part) for part in path))


def _refused(message, field=""):
    return ParseError({field: [message]} if field else message)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser within the limits of ``loads``: too deep, malformed, not UTF-8 or
    holding an unusable value is a 400 with the reason, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(
                _("The request body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from None
        try:
            return loads(text)
        except JSONInputError as error:
            raise _refused(str(error), error.field) from None


class BoundedMultiPartParser(MultiPartParser):
    """DRF's multipart parser, its text fields held to ``core.input_limits`` (files are
    checked by ``dossiers.uploads``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        problem = first_problem(parsed.data.lists())
        if problem:
            raise _refused(problem[1], problem[0])
        return parsed
