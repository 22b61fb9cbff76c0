"""Uploads held across a form that failed for another reason: kept for their owner so
that they need not choose the files again, found again by the form's keys, and discarded
once used or after ``HELD_UPLOAD_HOURS``."""

import uuid

from django.db import transaction
from django.utils import timezone

from .models import HeldUpload


def hold_uploads(owner, uploads):
    """Keep checked uploads for ``owner`` after their form failed for another reason;
    returns their HeldUploads."""
    held = []
    for upload in uploads:
        upload.seek(0)
        held.append(
            HeldUpload.objects.create(
                owner=owner, file=upload, original_name=upload.name[:255], size=upload.size
            )
        )
    return held


def fresh_held_uploads(owner, keys, now=None):
    """{key: HeldUpload} of ``owner``'s uploads among ``keys`` (as posted by a form: any
    text) still within their holding time; anyone else's key finds nothing."""
    wanted = set()
    for key in keys:
        try:
            wanted.add(uuid.UUID(str(key)))
        except ValueError:
            continue
    if not wanted:
        return {}
    held = HeldUpload.objects.fresh(now or timezone.now()).filter(owner=owner, pk__in=wanted)
    return {str(item.pk): item for item in held}


def release_held_uploads(held):
    """Discard held uploads once the form they were kept for is saved (after the commit, so
    that a failed save still finds them)."""
    keys = [item.pk for item in held]
    if keys:
        transaction.on_commit(lambda: _discard(HeldUpload.objects.filter(pk__in=keys)))


def discard_stale_held_uploads(now=None):
    """Discard uploads held longer than ``HELD_UPLOAD_HOURS``; returns how many."""
    return _discard(HeldUpload.objects.stale(now or timezone.now()))


def _discard(held_uploads):
    discarded = 0
    for held in held_uploads.iterator():
        held.file.delete(save=False)
        held.delete()
        discarded += 1
    return discarded
