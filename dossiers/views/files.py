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
    handle = _opened(item.file)
    reason = reason_of(request)
    record_read(request.user, item.dossier, ReadKind.DOWNLOAD, item.original_name, reason)
    return private_file_response(handle, item.content_type, item.original_name)


def stored_file_response(item):
    """The file of ``item`` (anything with file, content_type and original_name)."""
    return private_file_response(_opened(item.file), item.content_type, item.original_name)


def _opened(field_file):
    try:
        return field_file.open("rb")
    except OSError:
        raise Http404(_("The file is missing from storage.")) from None


def private_file_response(handle, content_type, name):
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Applicants' papers: no shared cache (a proxy, the next user of a desk PC) may keep them.
    response["Cache-Control"] = "private, no-store"
    return response
