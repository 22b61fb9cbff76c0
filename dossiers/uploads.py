"""Upload checks: the file's content decides its type, never its name."""

import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

READ_CHUNK = 64 * 1024


def sniff_content_type(upload):
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def sha256_of(upload):
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(READ_CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload):
    """(content_type, sha256) of an acceptable upload; ValidationError with a clear
    Vietnamese message otherwise."""
    limit = settings.ONESTOP_UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": upload.name})
    if upload.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            }
        )
    content_type = sniff_content_type(upload)
    if content_type not in settings.ONESTOP_UPLOAD_TYPES:
        raise ValidationError(
            _("The file “%(name)s” is not a PDF, JPEG, PNG or DOCX document.")
            % {"name": upload.name}
        )
    return content_type, sha256_of(upload)
