"""What a line of a record's THANHPHANHOSO is: a paper to hand over, a paper needed only in
a case (a condition), or a guidance note (Lưu ý) that is no paper at all. The national
records mix the three in one list, so the line's case heading, its wording and its counts
tell them apart."""

from ..models import DocumentKind
from ..search import fold

_NOTE_CASES = ("luu y", "chu y", "ghi chu")
# A line with no originals and no copies that opens like one of these is guidance.
_GUIDANCE_OPENINGS = (
    "truong hop",
    "(truong hop",
    "doi voi",
    "nguoi ",
    "co quan",
    "ca nhan",
    "viec ",
    "luu y",
    "chu y",
    "ghi chu",
)
# A paper that opens or carries one of these is brought only when the case applies.
_CONDITION_OPENINGS = ("truong hop", "(truong hop", "doi voi truong hop", "neu ")
_CONDITION_MARKS = ("neu co", "trong truong hop", "doi voi truong hop")


def is_note_heading(case):
    """Whether a case heading ("Lưu ý", "Chú ý") announces guidance notes."""
    return fold(case or "").startswith(_NOTE_CASES)


def document_kind(case, name, originals, copies):
    """The DocumentKind value of one line of a record."""
    folded = fold(name or "").strip()
    if is_note_heading(case) or folded.startswith(_NOTE_CASES):
        return DocumentKind.NOTE.value
    if (
        not originals
        and not copies
        and (folded.startswith(_GUIDANCE_OPENINGS) or folded.endswith(":"))
    ):
        return DocumentKind.NOTE.value
    if folded.startswith(_CONDITION_OPENINGS) or any(m in folded for m in _CONDITION_MARKS):
        return DocumentKind.CONDITION.value
    return DocumentKind.DOCUMENT.value
