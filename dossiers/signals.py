"""What the dossier app tells the apps standing on it, which it never imports (DESIGN §2).

- ``event_logged(dossier, event)``: a dossier event was appended, inside the transaction
  that made it, so a receiver's writes (an outbox row, a fee request) commit or roll back
  with it.
- ``dossier_panels(dossier, user, page)``: the citizen's (``page="citizen"``) or the
  desk's (``"desk"``) dossier page asks for extra panels; a receiver answers ``None`` or
  ``(template name, context dict)``, rendered in the page's side column.
"""

from django.dispatch import Signal

event_logged = Signal()
dossier_panels = Signal()


def panels_for(dossier, user, page):
    """The extra panels of ``page`` for ``dossier``, in the receivers' order."""
    answers = dossier_panels.send(sender=type(dossier), dossier=dossier, user=user, page=page)
    return [answer for _receiver, answer in answers if answer]
