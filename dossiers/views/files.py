"""Serving uploaded dossier files: never statically, only through views that checked the
dossier is visible to the requester."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from ..models import ReadKind
from ..privacy.reads import reason_of, record_read

# Shown in the browser; anything else (DOCX) is downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def attachment_response(request, item):
    """The file of ``item`` (an Attachment with its dossier), its download logged as a
    read of the dossier's papers when staff download it."""
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404(_("The file is missing from storage.")) from None
    reason = reason_of(request)
    record_read(request.user, item.dossier, ReadKind.DOWNLOAD, item.original_name, reason)
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=item.content_type not in INLINE_TYPES,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Applicants' papers: no shared cache (a proxy, the next user of a desk PC) may keep them.
    response["Cache-Control"] = "private, no-store"
    return response
