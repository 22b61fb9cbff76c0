"""The payments app listens to the dossier app (which never imports it): the fee request
opens a payment request, the desk's own "fees paid" records cash, the citizen's
and the desk's dossier pages show what is owed and how to pay it, and the leaders'
monthly report gets the month's payment figures."""

from django.dispatch import receiver

from dossiers.models import DossierEvent
from dossiers.signals import dossier_panels, event_logged, monthly_report_files
from dossiers.workflow import Action

from . import selectors
from .services.fees import open_request
from .services.settle import settle_on_confirmation


@receiver(event_logged, sender=DossierEvent)
def follow_the_fees(sender, dossier, event, **kwargs):
    if event.action == Action.REQUEST_PAYMENT:
        open_request(dossier, event.at)
    elif event.action == Action.CONFIRM_PAYMENT:
        settle_on_confirmation(dossier, event.actor, event.at)


@receiver(dossier_panels)
def payment_panel(sender, dossier, user, page, **kwargs):
    panel = selectors.payment_panel(dossier)
    return ("payments/_panel.html", {**panel, "page": page}) if panel else None


@receiver(monthly_report_files)
def payment_report(sender, user, first, last, **kwargs):
    return selectors.payment_report_file(user, first, last)
