"""Vietnamese-aware text folding for search: "Đăng ký khai sinh" and "dang ky khai sinh"
fold to the same key, on every database."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text):
    """Lower-case, strip diacritics (đ → d) and collapse white space."""
    text = (text or "").replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()
