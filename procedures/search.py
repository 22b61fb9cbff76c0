"""Vietnamese-aware text folding for search: "Đăng ký khai sinh" and "dang ky khai sinh"
fold to the same key, on every database; and the one relevance order of search results."""

import operator
import re
import unicodedata
from functools import reduce

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Concat, Length
from django.db.models.lookups import Contains

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text):
    """Lower-case, strip diacritics (đ → d) and collapse white space."""
    text = (text or "").replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def fold_words(text):
    """The folded words of ``text`` joined by single spaces, punctuation dropped, so that
    whole words and phrases can be matched between spaces ("thay doi, cai chinh" and
    "thay doi cai chinh" give the same key)."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


def relevance(words_key, vendor):
    """Order expressions ranking procedures for the folded query ``words_key``: the exact
    phrase in the name first, then names holding every word, then the rest; within each,
    closer trigram similarity where the database has it (PostgreSQL), then the shorter
    name, then the code, so that "dang ky khai sinh" puts "Đăng ký khai sinh" before
    "Liên thông … đăng ký khai sinh, đăng ký thường trú …"."""
    order = []
    if words_key:
        # Spaces around the stored words make every match a whole-word one: "tu" must
        # not find "thu tuc".
        padded = Concat(Value(" "), "search_name", Value(" "), output_field=TextField())
        words = [Contains(padded, f" {word} ") for word in words_key.split()]
        tier = Case(
            When(Contains(padded, f" {words_key} "), then=Value(0)),
            When(reduce(operator.and_, words), then=Value(1)),
            default=Value(2),
        )
        order.append(tier.asc())
        if vendor == "postgresql":
            order.append(TrigramSimilarity("search_name", words_key).desc())
    return [*order, Length("name").asc(), F("code").asc()]
