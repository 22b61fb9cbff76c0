"""What the dossier app tells the apps standing on it, which it never imports (DESIGN §2).

- ``event_logged(dossier, event)``: a dossier event was appended, inside the transaction
  that made it, so a receiver's writes (an outbox row, a fee request) commit or roll back
  with it.
- ``monthly_report_files(user, first, last)``: the leaders' monthly report asks for more
  files to attach; a receiver answers ``None`` or ``(file name, bytes, MIME type)``.
- ``dossier_panels(dossier, user, page)``: the citizen's (``page="citizen"``) or the
  desk's (``"desk"``) dossier page asks for extra panels; a receiver answers ``None`` or
  ``(template name, context dict)``, rendered in the page's side column.
"""

from django.dispatch import Signal

event_logged = Signal()
dossier_panels = Signal()
monthly_report_files = Signal()


def panels_for(dossier, user, page):
    """The extra panels of ``page`` for ``dossier``, in the receivers' order."""
    answers = dossier_panels.send(sender=type(dossier), dossier=dossier, user=user, page=page)
    return [answer for _receiver, answer in answers if answer]


def more_report_files(user, first, last):
    """The files the apps above add to ``user``'s monthly report of days first..last."""
    answers = monthly_report_files.send(sender=None, user=user, first=first, last=last)
    return [answer for _receiver, answer in answers if answer]
