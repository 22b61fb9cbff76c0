"""The citizen's document store (kho dữ liệu): papers and results a citizen account keeps,
to reuse for a component of a later dossier instead of a new upload or scan."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentSource(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded by the citizen")
    DOSSIER_SCAN = "dossier_scan", _("Scanned with a dossier")
    ELECTRONIC_RESULT = "electronic_result", _("Electronic result")


class CitizenDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A citizen's own documents; nobody else's, staff included."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(owner=user)

    def offered_at_counter(self, owner):
        """The one read of another's store: ``owner``'s documents, listed to the desk only
        once the applicant has consented at the counter (``services.store``)."""
        return self.filter(owner=owner).order_by("kind", "-added_at", "pk")


class CitizenDocument(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="stored_documents",
    )
    kind = models.CharField(_("kind of paper"), max_length=200)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="store/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    source = models.CharField(
        _("source"), max_length=20, choices=DocumentSource.choices, default=DocumentSource.UPLOADED
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = CitizenDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        ordering = ["owner", "-added_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.number}".strip()
