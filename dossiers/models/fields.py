"""Field shapes the dossier tables share."""

from django.conf import settings
from django.db import models


def officer_field(verbose_name):
    """An optional link to the officer who did something: kept when the account goes (the
    trail must outlive it), and not reachable from the user (no reverse accessor)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
