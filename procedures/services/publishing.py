"""Publishing and withdrawing procedures, and keeping their search key current."""

from django.utils import timezone

from ..catalogue_cache import catalogue_changed
from ..models import Procedure
from .importing import BATCH_SIZE


def set_published(procedures, published):
    """Publish or withdraw procedures; returns how many changed."""
    changed = (
        procedures.exclude(published=published)
        .order_by()
        .update(published=published, updated_at=timezone.now())
    )
    catalogue_changed()
    return changed


def refresh_search_text(procedures):
    """Recompute the search key of procedures, e.g. after their field was renamed."""
    changed = []
    for procedure in procedures.select_related("field"):
        text = procedure.build_search_text()
        if text != procedure.search_text:
            procedure.search_text = text
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["search_text"], batch_size=BATCH_SIZE)
    catalogue_changed()
    return len(changed)
