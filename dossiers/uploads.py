"""Upload checks: the file's content decides its type, never its name; an Office file (a zip
archive) is also checked for what it unpacks to, so a small upload cannot be a zip bomb."""

import hashlib
import lzma
import zipfile
import zlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from procedures.words import format_number

READ_CHUNK = 64 * 1024
# Types that are zip archives inside (DOCX, and XLSX or ODT should the allowlist grow).
ZIP_BASED_PREFIXES = (
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
    "application/zip",
)
# What a damaged or hostile archive raises while it is read.
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,  # an encrypted entry
    NotImplementedError,  # an unknown compression method
)


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


def precise_size(number_of_bytes):
    """A size people read ("10,0 MB") with its exact count of bytes, so that a file one byte
    over a limit never reads the same as the limit."""
    return _("%(size)s (%(bytes)s bytes)") % {
        "size": filesizeformat(number_of_bytes),
        "bytes": format_number(number_of_bytes),
    }


def check_upload(upload):
    """(content_type, sha256) of an acceptable upload; ValidationError with a clear
    Vietnamese message otherwise."""
    limit = settings.ONESTOP_UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": upload.name})
    if upload.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": upload.name, "size": precise_size(upload.size), "limit": precise_size(limit)}
        )
    content_type = sniff_content_type(upload)
    if content_type not in settings.ONESTOP_UPLOAD_TYPES:
        raise ValidationError(
            _("The file “%(name)s” is not a PDF, JPEG, PNG or DOCX document.")
            % {"name": upload.name}
        )
    if content_type.startswith(ZIP_BASED_PREFIXES):
        check_archive(upload)
    return content_type, sha256_of(upload)


def check_archive(upload):
    """Refuse an archive that is not a sound zip, holds too many entries, or unpacks to more
    than ``ONESTOP_UPLOAD_MAX_UNPACKED_BYTES`` or ``ONESTOP_UPLOAD_MAX_RATIO`` times its
    size. The sizes the archive declares are checked first (nothing is unpacked for a bomb
    that admits its size); then every entry is unpacked as a stream, so that one lying
    about its size fails its checksum instead of being trusted."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _check_entry_count(upload, len(entries))
            _check_unpacked_size(upload, sum(entry.file_size for entry in entries))
            for entry in entries:
                _unpack(archive, entry)
    except ARCHIVE_ERRORS:
        raise ValidationError(
            _("The file “%(name)s” is damaged and cannot be opened.") % {"name": upload.name}
        ) from None
    finally:
        upload.seek(0)


def _check_entry_count(upload, count):
    limit = settings.ONESTOP_UPLOAD_MAX_ENTRIES
    if count > limit:
        raise ValidationError(
            _("The file “%(name)s” holds %(count)s parts; a document may hold %(limit)s.")
            % {
                "name": upload.name,
                "count": format_number(count),
                "limit": format_number(limit),
            }
        )


def _check_unpacked_size(upload, unpacked):
    limit = settings.ONESTOP_UPLOAD_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise ValidationError(
            _("The file “%(name)s” unpacks to %(size)s; the limit is %(limit)s.")
            % {"name": upload.name, "size": precise_size(unpacked), "limit": precise_size(limit)}
        )
    max_ratio = settings.ONESTOP_UPLOAD_MAX_RATIO
    if unpacked > max_ratio * upload.size:
        raise ValidationError(
            _(
                "The file “%(name)s” unpacks to %(ratio)s times its size; a document "
                "unpacks to at most %(limit)s times."
            )
            % {
                "name": upload.name,
                "ratio": format_number(unpacked // upload.size),
                "limit": max_ratio,
            }
        )


def _unpack(archive, entry):
    """Read one entry to its end: zipfile yields at most the declared size and checks the
    CRC at the end, raising BadZipFile when the data does not match what was declared."""
    with archive.open(entry) as stream:
        while stream.read(READ_CHUNK):
            pass
