"""Who may do what in the reform index, and how a service refuses.

Refusals raise ``Refused`` (HTTP 400: ``errors`` is ``{field: [messages]}``) or
``NotAllowed`` (HTTP 403), with a message in the user's language; nothing is saved then.
The ``require…`` helpers and the row locks are shared by every service module.
"""

from django.utils.translation import gettext as _

from core.roles import Role

from ..models import Assessment, Scorecard
from ..roles import assessed_unit_id, sees_everything


class Refused(Exception):
    """A use case the rules do not allow now; ``errors`` maps fields to messages."""

    def __init__(self, message=None, field=None, errors=None):
        self.errors = errors or {field or "detail": [message]}
        self.message = message or _first_message(self.errors)
        super().__init__(self.message)


class NotAllowed(Refused):
    """The actor's role does not allow this use case."""


def _first_message(errors):
    value = next(iter(errors.values()), "")
    while isinstance(value, dict | list):
        value = next(iter(value.values() if isinstance(value, dict) else value), "")
    return str(value)


# --- who may do what -----------------------------------------------------------------------


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def can_manage(user):
    """Criteria, inspections, computing and appraisal: the reform index officers."""
    return _active(user) and (user.is_superuser or user.has_role(Role.INDEX_OFFICER))


def can_run_process(user):
    """Opening the self-assessment and the appraisal: index officers and leaders."""
    return sees_everything(user)


def can_publish(user):
    return _active(user) and (user.is_superuser or user.has_role(Role.LEADER))


def can_self_assess(user, assessment):
    """Only the leader of the assessed unit fills its self-assessment."""
    return _active(user) and assessed_unit_id(user) == assessment.unit_id


def require(allowed, message):
    if not allowed:
        raise NotAllowed(message)


def require_state(scorecard, state, message):
    if scorecard.state != state:
        raise Refused(message)


def require_not_frozen(scorecard):
    if scorecard.is_frozen:
        raise Refused(
            _("The %(year)s scorecard is published; its points are frozen.")
            % {"year": scorecard.year}
        )


def locked_scorecard(scorecard):
    return Scorecard.objects.select_for_update().get(pk=scorecard.pk)


def locked_assessment(assessment):
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    locked.scorecard = locked_scorecard(assessment.scorecard)
    return locked
