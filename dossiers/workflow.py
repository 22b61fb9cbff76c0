"""The dossier lifecycle on one screen (DESIGN §3.3): one table of every action.

Every action names the statuses it may start from (none for the two that create a dossier),
the status it leads to (or the few it chooses among, or SAME), who may take it and from
which side of the desk. The actions on the internal steps (assign, complete-step, approve,
return-for-rework) are rows of the same table: they keep the status (SAME), start from
"being handled", and name the kind of current step they fit (``Rule.step``); who takes
them is judged at that step (``_acts_on_step``). The services write a dossier's status in
one place, from this table; nothing else assigns it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import Role

from .models import OPEN_STATUSES, DossierStep, Rating, Status, service_unit

# The national portal's status codes, kept for data exchange.
NATIONAL_CODES = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.IN_PROGRESS: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWAL_REQUESTED: 7,
    Status.STOPPED: 8,
    Status.RESOLVED: 9,
    Status.RETURNED: 10,
}


class Action(StrEnum):
    FILE_ONLINE = "file"
    INTAKE = "intake"
    RECEIVE = "receive"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request-supplement"
    SUPPLEMENT = "supplement"
    TRANSFER = "transfer"
    REQUEST_PAYMENT = "request-payment"
    CONFIRM_PAYMENT = "confirm-payment"
    RESOLVE = "resolve"
    RETURN = "return"
    REQUEST_WITHDRAWAL = "request-withdrawal"
    STOP = "stop"
    APOLOGIZE = "apologize"
    RATE = "rate"
    # On the current internal step, inside "being handled".
    ASSIGN = "assign"
    COMPLETE_STEP = "complete-step"
    APPROVE = "approve"
    RETURN_FOR_REWORK = "return-for-rework"


class _Same:
    """The target of an action that keeps the dossier's status (an apology, a rating)."""

    def __repr__(self):
        return "SAME"


SAME = _Same()

# Which current steps a step action fits, by the name its rule gives (``Rule.step``).
STEP_FITS = {
    "any": lambda step: True,
    "work": lambda step: not step.is_approval,
    "approval": lambda step: step.is_approval,
    "after_first": lambda step: step.order > 1,
}
# In a step action's roles: the officer named as the current step's handler.
STEP_HANDLER = "step_handler"
# In the rating's roles: the counter device the desk hands the applicant, which acts for
# one dossier (``device_for``) and for nobody else (services/ratings.py).
COUNTER_DEVICE = "counter_device"
# In the payment confirmation's roles: the reconciliation of a payment it matched (a
# gateway's signed callback, a bank statement line), acting for no one (payments app).
RECONCILIATION = "reconciliation"


@dataclass(frozen=True)
class Rule:
    """``sources``: the statuses the action starts from; none for an action that creates
    the dossier. ``targets``: the status it leads to, or the few ``choose`` picks among,
    or ``{SAME}``. ``roles``: who may take it (and from which side, see ``_acts_for_side``).
    ``step``: for an action on the current internal step, which steps it fits (a key of
    ``STEP_FITS``); its roles are then judged at that step (``_acts_on_step``)."""

    sources: frozenset
    targets: frozenset
    roles: frozenset
    choose: Callable | None = None
    step: str | None = None

    def __post_init__(self):
        several = len(self.targets) > 1
        if several != (self.choose is not None) or (SAME in self.targets and several):
            raise ValueError("A rule has one target, or several and a function choosing.")
        if self.step is not None and (self.step not in STEP_FITS or self.targets != {SAME}):
            raise ValueError("A step action names a kind of step and keeps the status.")

    @property
    def creates(self):
        return not self.sources


DESK_ROLES = frozenset({Role.DESK_OFFICER})
HANDLING_ROLES = frozenset({Role.SPECIALIST, Role.UNIT_LEADER})
APPLICANT_ROLES = frozenset({Role.CITIZEN, Role.DESK_OFFICER})


def _rule(sources, target, roles, choose=None, step=None):
    targets = frozenset(target) if isinstance(target, set) else frozenset({target})
    return Rule(frozenset(sources), targets, frozenset(roles), choose, step)


def back_to_requester(request):
    """Where the applicant's supplement sends the dossier: back to where ``request`` came
    from, handling (5→4) when it was asked during handling, the desk's check (5→1) when it
    was asked before receipt."""
    return Status.IN_PROGRESS if request.during_handling else Status.SUBMITTED


S = Status
TRANSITIONS = {
    # Creation: a dossier starts in the status its door leads to.
    Action.FILE_ONLINE: _rule((), S.SUBMITTED, {Role.CITIZEN}),
    # The desk receives a complete dossier on the spot: received at once, clock started.
    Action.INTAKE: _rule((), S.RECEIVED, DESK_ROLES),
    Action.RECEIVE: _rule({S.SUBMITTED}, S.RECEIVED, DESK_ROLES),
    Action.REFUSE: _rule({S.SUBMITTED}, S.REFUSED, DESK_ROLES),
    # From the desk's check of an online filing (1→5) or during handling (4→5).
    Action.REQUEST_SUPPLEMENT: _rule(
        {S.SUBMITTED, S.IN_PROGRESS},
        S.SUPPLEMENT_REQUESTED,
        DESK_ROLES | HANDLING_ROLES,
    ),
    Action.SUPPLEMENT: _rule(
        {S.SUPPLEMENT_REQUESTED},
        {S.SUBMITTED, S.IN_PROGRESS},
        APPLICANT_ROLES,
        choose=back_to_requester,
    ),
    # 2→4 hands the received dossier to the handling unit; 4→4 routes it on.
    Action.TRANSFER: _rule({S.RECEIVED, S.IN_PROGRESS}, S.IN_PROGRESS, DESK_ROLES | HANDLING_ROLES),
    Action.REQUEST_PAYMENT: _rule({S.IN_PROGRESS}, S.AWAITING_PAYMENT, DESK_ROLES | HANDLING_ROLES),
    Action.CONFIRM_PAYMENT: _rule(
        {S.AWAITING_PAYMENT}, S.IN_PROGRESS, DESK_ROLES | HANDLING_ROLES | {RECONCILIATION}
    ),
    Action.RESOLVE: _rule({S.IN_PROGRESS}, S.RESOLVED, HANDLING_ROLES),
    Action.RETURN: _rule({S.RESOLVED}, S.RETURNED, DESK_ROLES),
    Action.REQUEST_WITHDRAWAL: _rule(
        OPEN_STATUSES - {S.WITHDRAWAL_REQUESTED}, S.WITHDRAWAL_REQUESTED, APPLICANT_ROLES
    ),
    Action.STOP: _rule(
        {S.WITHDRAWAL_REQUESTED, S.IN_PROGRESS},
        S.STOPPED,
        DESK_ROLES | HANDLING_ROLES,
    ),
    Action.APOLOGIZE: _rule(
        {S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT},
        SAME,
        HANDLING_ROLES,
    ),
    # Only the applicant rates: from their account, or on the device in their hands.
    Action.RATE: _rule({S.RETURNED}, SAME, {Role.CITIZEN, COUNTER_DEVICE}),
    # The internal steps: the receiving desk or a unit leader names the current step's
    # handler; the handler (or a unit leader) finishes a work step or returns the dossier
    # to the previous step; a unit leader approves at the approval step. A unit leader
    # acts at a step only if their unit covers the step's.
    Action.ASSIGN: _rule({S.IN_PROGRESS}, SAME, DESK_ROLES | {Role.UNIT_LEADER}, step="any"),
    Action.COMPLETE_STEP: _rule(
        {S.IN_PROGRESS}, SAME, {STEP_HANDLER, Role.UNIT_LEADER}, step="work"
    ),
    Action.APPROVE: _rule({S.IN_PROGRESS}, SAME, {Role.UNIT_LEADER}, step="approval"),
    Action.RETURN_FOR_REWORK: _rule(
        {S.IN_PROGRESS}, SAME, {STEP_HANDLER, Role.UNIT_LEADER}, step="after_first"
    ),
}
# Where a step action may start: the only statuses in which the current step is read.
STEP_STATUSES = frozenset().union(*(r.sources for r in TRANSITIONS.values() if r.step))


def next_status(action, status, basis=None):
    """The status ``action`` leads to from ``status``. ``basis`` is what a rule with
    several targets chooses by: for a supplement, the request it answers."""
    rule = TRANSITIONS[action]
    if rule.targets == {SAME}:
        return status
    if rule.choose is None:
        (target,) = rule.targets
        return target
    target = rule.choose(basis)
    if target not in rule.targets:
        raise ValueError(f"{action} cannot lead to {target}.")
    return target


def may_create(action, user):
    """``user`` may create a dossier by ``action`` (filing online, intake at the counter)."""
    rule = TRANSITIONS[action]
    return rule.creates and (user.is_superuser or user.has_role(*rule.roles))


def available_actions(dossier, user):
    """The actions ``user`` may take on ``dossier`` now (for buttons and the API), those
    on the current internal step included."""
    step = current_step(dossier)
    return [action for action in TRANSITIONS if _blocked_by(action, dossier, user, step) is None]


def current_step(dossier):
    """The step ``dossier`` is at, with its unit: none outside the statuses the step
    actions start from; read from the prefetched steps when they are there, else by one
    query."""
    if dossier.status not in STEP_STATUSES:
        return None
    prefetched = getattr(dossier, "_prefetched_objects_cache", {}).get("steps")
    if prefetched is not None:
        return next((step for step in prefetched if step.is_current), None)
    return (
        DossierStep.objects.current().filter(dossier_id=dossier.pk).select_related("unit").first()
    )


def refusal_reason(action, dossier, user):
    """None when ``user`` may take ``action`` on ``dossier``; otherwise why not."""
    step = current_step(dossier) if TRANSITIONS[action].step else None
    blocked = _blocked_by(action, dossier, user, step)
    if blocked == "status":
        return _("This action is not allowed while the dossier is “%(status)s”.") % {
            "status": dossier.get_status_display()
        }
    if blocked == "side":
        return _("You may not take this action on this dossier.")
    if blocked == "rated":
        return _("This dossier has already been rated.")
    if blocked == "no step":
        return _("This dossier has no step in progress.")
    if blocked == "step":
        return _step_misfit(TRANSITIONS[action].step)
    if blocked == "step side":
        return _step_side_refusal(TRANSITIONS[action], dossier, step)
    return None


def _step_misfit(kind):
    """Why a step action does not fit the current step (``kind`` never misfits "any")."""
    return {
        "work": _("This step is the unit leader's approval: approve it."),
        "approval": _("The dossier is not waiting for approval."),
        "after_first": _("The first step has no previous step to return to."),
    }[kind]


def _step_side_refusal(rule, dossier, step):
    if Role.DESK_OFFICER in rule.roles:
        return _("You may not take this action on this dossier.")
    unit = {"unit": _step_unit(dossier, step).display_name}
    if STEP_HANDLER in rule.roles:
        return (
            _("Only the officer assigned to this step or a unit leader over %(unit)s may do this.")
            % unit
        )
    return _("Only a unit leader over %(unit)s may do this.") % unit


def _blocked_by(action, dossier, user, step=None):
    """Which rule keeps ``user`` from ``action`` now ("status", "side", "rated", and for a
    step action "no step", "step", "step side"), or None. ``step``: the dossier's current
    step, read by the caller. Kept apart from the wording: listing the actions words
    nothing."""
    rule = TRANSITIONS[action]
    if dossier.status not in rule.sources:
        return "status"
    if rule.step is not None:
        return _blocked_at_step(rule, dossier, user, step)
    if not _acts_for_side(user, dossier, rule):
        return "side"
    if action == Action.RATE and _is_rated(dossier):
        return "rated"
    return None


def _blocked_at_step(rule, dossier, user, step):
    if step is None:
        return "no step"
    if not STEP_FITS[rule.step](step):
        return "step"
    if not _acts_on_step(user, dossier, step, rule):
        return "step side"
    return None


def _is_rated(dossier):
    return Rating.objects.filter(dossier_id=dossier.pk).exists()


def _acts_for_side(user, dossier, rule):
    if COUNTER_DEVICE in rule.roles:
        # A rating counts the applicant's view: no staff account, superusers included.
        on_device = getattr(user, "device_for", None) == dossier.pk
        return on_device or _is_applicant(user, dossier)
    if RECONCILIATION in rule.roles and getattr(user, "reconciles_payments", False):
        return True
    if user.is_superuser:
        return True
    if Role.CITIZEN in rule.roles and _is_applicant(user, dossier):
        return True
    if user.unit is None:
        return False
    if _at_desk(user, dossier) and Role.DESK_OFFICER in rule.roles:
        return True
    handling_roles = rule.roles & HANDLING_ROLES
    return bool(handling_roles) and user.has_role(*handling_roles) and _holds(user, dossier)


def _is_applicant(user, dossier):
    return dossier.applicant_user_id == user.pk and user.has_role(Role.CITIZEN)


def _acts_on_step(user, dossier, step, rule):
    """Who takes a step action, by its roles: the step's named handler, a desk officer of
    the receiving desk, a unit leader whose unit covers the step's unit."""
    named = step.handler_id is not None and step.handler_id == user.pk
    if user.is_superuser or (STEP_HANDLER in rule.roles and named):
        return True
    if user.unit is None:
        return False
    if Role.DESK_OFFICER in rule.roles and _at_desk(user, dossier):
        return True
    return (
        Role.UNIT_LEADER in rule.roles
        and user.has_role(Role.UNIT_LEADER)
        and _covers(user, _step_unit(dossier, step))
    )


def _step_unit(dossier, step):
    return step.unit or dossier.handling_unit


def _at_desk(user, dossier):
    """The user is a desk officer of the desk that received the dossier."""
    return (
        user.has_role(Role.DESK_OFFICER) and service_unit(user.unit).pk == dossier.receiving_unit_id
    )


def _holds(user, dossier):
    return _covers(user, dossier.handling_unit)


def _covers(user, unit):
    """``unit`` is the user's unit or below it (a unit leader covers the unit the desk
    serves), as ``Dossier.objects.visible_to`` scopes the handling side."""
    root = service_unit(user.unit) if user.has_role(Role.UNIT_LEADER) else user.unit
    return unit.path.startswith(root.path)


def may_handle_at(user, unit):
    """``user`` can be the handler of a dossier that sits with ``unit``: an active
    specialist or unit leader who sees it there and may take the handling actions."""
    return (
        user.is_active
        and user.unit is not None
        and user.has_role(*HANDLING_ROLES)
        and _covers(user, unit)
    )


# How each action reads in timelines, tracking slips and messages.
ACTION_LABELS = {
    Action.FILE_ONLINE: gettext_lazy("Filed online"),
    Action.INTAKE: gettext_lazy("Received at the one-stop desk"),
    Action.RECEIVE: gettext_lazy("Online filing received"),
    Action.REFUSE: gettext_lazy("Refused at the desk's check"),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Supplement requested from the applicant"),
    Action.SUPPLEMENT: gettext_lazy("Dossier supplemented"),
    Action.TRANSFER: gettext_lazy("Handed over for handling"),
    Action.REQUEST_PAYMENT: gettext_lazy("Fees requested"),
    Action.CONFIRM_PAYMENT: gettext_lazy("Fees paid"),
    Action.RESOLVE: gettext_lazy("Result ready at the desk"),
    Action.RETURN: gettext_lazy("Result handed to the applicant"),
    Action.REQUEST_WITHDRAWAL: gettext_lazy("Withdrawal requested by the applicant"),
    Action.STOP: gettext_lazy("Handling of the dossier stopped"),
    Action.APOLOGIZE: gettext_lazy("Apology and new appointment issued"),
    Action.RATE: gettext_lazy("Service rated"),
    Action.ASSIGN: gettext_lazy("Step assigned"),
    Action.COMPLETE_STEP: gettext_lazy("Step completed"),
    Action.APPROVE: gettext_lazy("Approved by the unit leader"),
    Action.RETURN_FOR_REWORK: gettext_lazy("Returned for rework"),
}
