"""The counter rating device: the desk opens a rating page for one returned dossier and
hands the screen to the applicant, who rates without an account. The page's address
carries a signed token that names the dossier and the officer who opened it, valid for
15 minutes; it is spent once the dossier is rated (a dossier has one rating). Who may rate
at all is the workflow table's rule (``Action.RATE``): the applicant's account or this
device, never a staff account."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.translation import gettext as _

from core.roles import Role

from ..models import Dossier, Status
from ..workflow import Action, refusal_reason
from . import transitions
from .errors import TransitionError

DEVICE_MINUTES = 15
SALT = "dossiers.rating-device"


@dataclass(frozen=True)
class CounterDevice:
    """Acts for the applicant of one dossier, and only for the rating; an actor nobody
    signs in as (the event it logs has no actor)."""

    device_for: int
    opened_by: object
    is_authenticated = False
    is_superuser = False
    unit = None

    def has_role(self, *roles):
        return False


def open_device(dossier, officer):
    """The token of a rating page for ``dossier``, opened by ``officer``: a desk officer
    of the desk that received it, once the result is returned and not yet rated."""
    received_here = Dossier.objects.visible_to(officer).filter(pk=dossier.pk).exists()
    if not (officer.has_role(Role.DESK_OFFICER) and received_here):
        raise TransitionError(_("Only the desk that received this dossier may open the device."))
    reason = refusal_reason(Action.RATE, dossier, CounterDevice(dossier.pk, officer))
    if dossier.status != Status.RETURNED or reason:
        raise TransitionError(reason or _("The dossier cannot be rated now."))
    return signing.dumps({"dossier": dossier.pk, "officer": officer.pk}, salt=SALT)


def device_of(token):
    """(dossier, device) of a rating page's token; TransitionError when it was tampered
    with or is older than DEVICE_MINUTES."""
    try:
        opened = signing.loads(token, salt=SALT, max_age=DEVICE_MINUTES * 60)
    except signing.SignatureExpired as expired:
        raise TransitionError(_("This rating page has expired: ask the desk again.")) from expired
    except signing.BadSignature as bad:
        raise TransitionError(_("This rating page is not valid.")) from bad
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_unit")
        .filter(pk=opened.get("dossier"))
        .first()
    )
    officer = _officer(opened.get("officer"))
    if dossier is None or officer is None:
        raise TransitionError(_("This rating page is not valid."))
    return dossier, CounterDevice(dossier.pk, officer)


def rate_on_device(token, level, comment="", now=None):
    dossier, device = device_of(token)
    return transitions.rate(dossier, device, level, comment, now=now)


def _officer(pk):
    return get_user_model().objects.filter(pk=pk, is_active=True).first()
