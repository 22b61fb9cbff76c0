"""Uploads held across a form that failed for another reason."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models

HELD_UPLOAD_HOURS = 24


class HeldUploadQuerySet(models.QuerySet):
    def fresh(self, now):
        return self.filter(held_at__gte=_held_since(now))

    def stale(self, now):
        return self.filter(held_at__lt=_held_since(now))


def _held_since(now):
    return now - timedelta(hours=HELD_UPLOAD_HOURS)


class HeldUpload(models.Model):
    """A file that passed the upload checks on a form that failed for another reason,
    kept for its owner so that they need not choose it again. The form carries only the
    random key; a held file is used for its owner alone, once, and discarded after
    ``HELD_UPLOAD_HOURS``."""

    key = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="held/%Y/%m/%d/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    held_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = HeldUploadQuerySet.as_manager()

    def __str__(self):
        return self.original_name

    def reopen(self):
        """The held file as a new upload, under the name it was chosen with."""
        with self.file.open("rb") as stored:
            return ContentFile(stored.read(), name=self.original_name)
