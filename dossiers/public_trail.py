"""What the applicant, the public lookup and the tracking slip show of a dossier's
events: the one rule. The lifecycle's status changes are the applicant's to know (a
transfer shows where the dossier went, not why); the internal steps' actions (assign,
complete, approve, rework) are the office's own work.
Of the notes, only those written to the applicant are shown: what the desk says when it
refuses, asks for supplements, apologises or stops; routing notes stay inside."""

from django.db.models import Case, F, TextField, Value, When

from core.roles import STAFF_ROLES

from .workflow import Action

# A list of what is public rather than of what is not: an action added later (as the
# step actions were) stays inside until someone decides the applicant should see it.
PUBLIC_ACTIONS = frozenset(
    {
        Action.FILE_ONLINE,
        Action.INTAKE,
        Action.RECEIVE,
        Action.REFUSE,
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLEMENT,
        Action.TRANSFER,
        Action.REQUEST_PAYMENT,
        Action.CONFIRM_PAYMENT,
        Action.RESOLVE,
        Action.RETURN,
        Action.REQUEST_WITHDRAWAL,
        Action.STOP,
        Action.APOLOGIZE,
        Action.RATE,
    }
)
NOTES_TO_APPLICANT = frozenset(
    {Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.APOLOGIZE, Action.STOP}
)


def public_trail(dossier):
    """The dossier's public events, oldest first, each with ``public_note``: its note
    when written to the applicant, "" otherwise. Read ``public_note``, never ``note``."""
    return (
        dossier.events.filter(action__in=PUBLIC_ACTIONS)
        .select_related("actor__unit", "from_unit", "to_unit")
        .annotate(
            public_note=Case(
                When(action__in=NOTES_TO_APPLICANT, then=F("note")),
                default=Value(""),
                output_field=TextField(),
            )
        )
        .order_by("at", "pk")
    )


def sees_whole_trail(user):
    """Staff read every event with its note and officer; anyone else the public trail."""
    return user.is_superuser or user.has_role(*STAFF_ROLES)
