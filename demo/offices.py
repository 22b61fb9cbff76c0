"""Which of the demo town's offices handles a field: the one whose name shares most
words with the field's."""

from procedures.search import fold

_FILLER_WORDS = {"phong", "va", "thi", "xa", "-"}
# Fields whose names share no word with the office that handles them.
FIELD_OFFICE_HINTS = {
    "khieu nai, to cao": "thanh tra",
    "tiep cong dan": "thanh tra",
    "xu ly don thu": "thanh tra",
}


def best_office(field_name, offices):
    """The office whose name shares most words with the field's (or its hint's)."""
    folded = fold(field_name)
    wanted = _words(f"{folded} {FIELD_OFFICE_HINTS.get(folded, '')}")
    scored = [(len(wanted & _words(fold(office.name))), office) for office in offices]
    score, office = max(scored, key=lambda pair: pair[0], default=(0, None))
    return office if score else None


def _words(text):
    return set(text.split()) - _FILLER_WORDS
