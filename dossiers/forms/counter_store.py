"""Reuse at the counter: with the applicant's consent, the desk lists the documents of the
citizen account that carries the applicant's ID number and takes a stored document for a
paper instead of a scan. Mixed into the counter intake form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..services.store import Reuse, applicant_account, offered_documents

SHOW_STORE = "show_store"


class CounterStoreMixin:
    """Adds the consent tick and, once the store is shown, one choice per paper."""

    def _add_store_fields(self):
        self.fields["store_consent"] = forms.BooleanField(
            label=_("The applicant agrees that papers from their document store are reused"),
            required=False,
        )
        consent = self.is_bound and self.data.get("store_consent") in ("on", "true", "1")
        number = (self.data.get("applicant_id_number") or "").strip() if self.is_bound else ""
        self.store_account = applicant_account(number) if consent else None
        self.stored = list(offered_documents(self.store_account, consent))
        self.store_shown = self.is_bound and SHOW_STORE in self.data
        if not self.stored:
            return
        choices = [("", "—"), *((str(doc.pk), _stored_label(doc)) for doc in self.stored)]
        for paper in self.papers:
            self.fields[stored_name(paper)] = forms.ChoiceField(
                label=_("From the applicant's store"), choices=choices, required=False
            )

    def stored_field(self, paper):
        name = stored_name(paper)
        return self[name] if name in self.fields else None

    def _clean_store(self):
        if not self.store_shown:
            return
        if self.store_account is None:
            raise ValidationError(
                _(
                    "Tick the applicant's consent and enter the ID number of their citizen "
                    "account to list their stored documents."
                )
            )
        if not self.stored:
            raise ValidationError(_("The applicant's document store is empty."))
        raise ValidationError(
            _("The applicant's stored documents are listed: choose those to reuse, then receive.")
        )

    def store_reuses(self):
        by_pk = {str(doc.pk): doc for doc in self.stored}
        chosen = ((paper, self.cleaned_data.get(stored_name(paper))) for paper in self.papers)
        return [Reuse(document=paper, stored=by_pk[pk]) for paper, pk in chosen if pk]


def stored_name(paper):
    return f"doc_{paper.pk}_stored"


def _stored_label(document):
    number = f" {document.number}" if document.number else ""
    return f"{document.kind}{number} — {document.original_name}"
