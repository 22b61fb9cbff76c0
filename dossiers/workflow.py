"""The dossier lifecycle on one screen (DESIGN §3.3).

Every action names the statuses it may start from (none for the two that create a dossier),
the status it leads to (or the few it chooses among, or SAME), who may take it and from
which side of the desk. The services write a dossier's status in one place, from this
table; nothing else assigns it.
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


class _Same:
    """The target of an action that keeps the dossier's status (an apology, a rating)."""

    def __repr__(self):
        return "SAME"


SAME = _Same()


@dataclass(frozen=True)
class Rule:
    """``sources``: the statuses the action starts from; none for an action that creates
    the dossier. ``targets``: the status it leads to, or the few ``choose`` picks among,
    or ``{SAME}``. ``roles``: who may take it (and from which side, see ``_acts_for_side``)."""

    sources: frozenset
    targets: frozenset
    roles: frozenset
    choose: Callable | None = None

    def __post_init__(self):
        several = len(self.targets) > 1
        if several != (self.choose is not None) or (SAME in self.targets and several):
            raise ValueError("A rule has one target, or several and a function choosing.")

    @property
    def creates(self):
        return not self.sources


DESK_ROLES = frozenset({Role.DESK_OFFICER})
HANDLING_ROLES = frozenset({Role.SPECIALIST, Role.UNIT_LEADER})
APPLICANT_ROLES = frozenset({Role.CITIZEN, Role.DESK_OFFICER})


def _rule(sources, target, roles, choose=None):
    targets = frozenset(target) if isinstance(target, set) else frozenset({target})
    return Rule(frozenset(sources), targets, frozenset(roles), choose)


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
    Action.CONFIRM_PAYMENT: _rule({S.AWAITING_PAYMENT}, S.IN_PROGRESS, DESK_ROLES | HANDLING_ROLES),
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
    Action.RATE: _rule({S.RETURNED}, SAME, APPLICANT_ROLES),
}


class StepAction(StrEnum):
    """The actions on a dossier's internal steps, all inside "being handled"."""

    ASSIGN = "assign"
    COMPLETE_STEP = "complete-step"
    APPROVE = "approve"
    RETURN_FOR_REWORK = "return-for-rework"


# Who takes each step action: the desk or a unit leader assigns, the handling side
# finishes and returns, the unit leader approves. The dossier stays in its status.
STEP_RULES = {
    StepAction.ASSIGN: _rule({S.IN_PROGRESS}, SAME, DESK_ROLES | {Role.UNIT_LEADER}),
    StepAction.COMPLETE_STEP: _rule({S.IN_PROGRESS}, SAME, HANDLING_ROLES),
    StepAction.APPROVE: _rule({S.IN_PROGRESS}, SAME, {Role.UNIT_LEADER}),
    StepAction.RETURN_FOR_REWORK: _rule({S.IN_PROGRESS}, SAME, HANDLING_ROLES),
}


def next_status(action, status, basis=None):
    """The status ``action`` leads to from ``status``. ``basis`` is what a rule with
    several targets chooses by: for a supplement, the request it answers."""
    rule = TRANSITIONS.get(action) or STEP_RULES[action]
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
    """The actions ``user`` may take on ``dossier`` now (for buttons and the API)."""
    return [action for action in TRANSITIONS if _blocked_by(action, dossier, user) is None]


def available_step_actions(dossier, user):
    """The step actions ``user`` may take now, by the dossier's current step."""
    if dossier.status not in STEP_RULES[StepAction.ASSIGN].sources:
        return []
    step = DossierStep.objects.current().filter(dossier_id=dossier.pk).first()
    if step is None:
        return []
    wanted = [StepAction.ASSIGN]
    wanted.append(StepAction.APPROVE if step.is_approval else StepAction.COMPLETE_STEP)
    if step.order > 1:
        wanted.append(StepAction.RETURN_FOR_REWORK)
    return [action for action in wanted if _blocked_by(action, dossier, user) is None]


def refusal_reason(action, dossier, user):
    """None when ``user`` may take ``action`` on ``dossier``; otherwise why not."""
    blocked = _blocked_by(action, dossier, user)
    if blocked == "status":
        return _("This action is not allowed while the dossier is “%(status)s”.") % {
            "status": dossier.get_status_display()
        }
    if blocked == "side":
        return _("You may not take this action on this dossier.")
    if blocked == "rated":
        return _("This dossier has already been rated.")
    return None


def _blocked_by(action, dossier, user):
    """Which rule keeps ``user`` from ``action`` now ("status", "side", "rated"), or None.
    Kept apart from the wording: listing the available actions words nothing."""
    rule = TRANSITIONS.get(action) or STEP_RULES[action]
    if dossier.status not in rule.sources:
        return "status"
    if not _acts_for_side(user, dossier, rule):
        return "side"
    if action == Action.RATE and _is_rated(dossier):
        return "rated"
    return None


def _is_rated(dossier):
    return Rating.objects.filter(dossier_id=dossier.pk).exists()


def _acts_for_side(user, dossier, rule):
    if user.is_superuser:
        return True
    if (
        Role.CITIZEN in rule.roles
        and dossier.applicant_user_id == user.pk
        and user.has_role(Role.CITIZEN)
    ):
        return True
    if user.unit is None:
        return False
    if _at_desk(user, dossier) and Role.DESK_OFFICER in rule.roles:
        return True
    handling_roles = rule.roles & HANDLING_ROLES
    return bool(handling_roles) and user.has_role(*handling_roles) and _holds(user, dossier)


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
    StepAction.ASSIGN: gettext_lazy("Step assigned"),
    StepAction.COMPLETE_STEP: gettext_lazy("Step completed"),
    StepAction.APPROVE: gettext_lazy("Approved by the unit leader"),
    StepAction.RETURN_FOR_REWORK: gettext_lazy("Returned for rework"),
}
