"""Files stored with a dossier: checked by content (dossiers.uploads) before they are kept."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ..models import Attachment
from ..uploads import check_upload
from .errors import TransitionError


@dataclass
class Upload:
    file: object
    document: object = None  # the RequiredDocument it answers, if any


def attach_all(dossier, uploads, actor, kind):
    for upload in uploads:
        attach(dossier, upload.file, kind, actor, document=upload.document)


def checked_upload(file):
    """(content_type, sha256) of an acceptable upload, or the refusal on ``file``."""
    try:
        return check_upload(file)
    except ValidationError as error:
        raise TransitionError(error.messages[0], field="file") from None


def attach(dossier, file, kind, actor, document=None):
    content_type, digest = checked_upload(file)
    return Attachment.objects.create(
        dossier=dossier,
        kind=kind,
        document=document,
        file=file,
        original_name=file.name[:255],
        content_type=content_type,
        size=file.size,
        sha256=digest,
        uploaded_by=actor if actor and actor.is_authenticated else None,
    )
