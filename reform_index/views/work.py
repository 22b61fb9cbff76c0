"""The staff workspace of the reform index: the scorecards in progress, the steps of their
life the user may take, and the units' assessments. Writes go through the services (which
decide who may do what, and when); a refusal is shown on the page."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..forms import show_refusal
from ..models import Assessment, AssessmentState, Scorecard, ScorecardState
from ..roles import assessed_unit_id, sees_everything
from ..services.access import NotAllowed, Refused, can_manage, can_publish, can_run_process
from ..services.computing import compute_scorecard
from ..services.lifecycle import open_appraisal, open_self_assessment, publish

IN_PROGRESS = (ScorecardState.SELF_ASSESSMENT, ScorecardState.APPRAISAL)


def index_staff_required(view):
    """Anonymous users go to the login page; signed-in users without a part in the reform
    index (neither its officers, leaders nor a ward's leader) get 403."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        user = request.user
        if not (sees_everything(user) or assessed_unit_id(user)):
            raise PermissionDenied(
                _("This workspace is for reform index officers, leaders and unit leaders.")
            )
        return view(request, *args, **kwargs)

    return guarded


@dataclass(frozen=True)
class ScorecardAction:
    """A step of the scorecard's life the workspace offers: the service that takes it,
    the states it applies to and who may take it (the service checks both again)."""

    name: str
    service: object
    states: tuple
    allowed: object
    label: str
    explanation: str
    done: str
    # The POST field passed to the service as ``early_reason`` (publishing early).
    takes_reason: bool = False


SCORECARD_ACTIONS = {
    action.name: action
    for action in (
        ScorecardAction(
            "open-self-assessment",
            open_self_assessment,
            (ScorecardState.DRAFT,),
            can_run_process,
            gettext_lazy("Open the self-assessment"),
            gettext_lazy(
                "Every ward and commune gets its assessment and can start scoring itself. "
                "The criteria can no longer change."
            ),
            gettext_lazy("The self-assessment of %(year)s is open."),
        ),
        ScorecardAction(
            "open-appraisal",
            open_appraisal,
            (ScorecardState.SELF_ASSESSMENT,),
            can_run_process,
            gettext_lazy("Close the self-assessment and open the appraisal"),
            gettext_lazy(
                "Units can no longer change their self-assessment; the automatic criteria are "
                "computed and the appraisal starts."
            ),
            gettext_lazy("The appraisal of %(year)s is open."),
        ),
        ScorecardAction(
            "compute",
            compute_scorecard,
            IN_PROGRESS,
            can_manage,
            gettext_lazy("Compute the automatic criteria now"),
            gettext_lazy(
                "Every unit's automatic criteria are recomputed from the portal's current data."
            ),
            gettext_lazy("The automatic criteria of %(year)s have been computed."),
        ),
        ScorecardAction(
            "publish",
            publish,
            (ScorecardState.APPRAISAL,),
            can_publish,
            gettext_lazy("Publish the results"),
            gettext_lazy(
                "Totals, ranks and grades are frozen and shown to the public. This cannot be "
                "undone."
            ),
            gettext_lazy("The reform index of %(year)s is published."),
            takes_reason=True,
        ),
    )
}


def offered_actions(scorecard, user):
    return [
        action
        for action in SCORECARD_ACTIONS.values()
        if scorecard.state in action.states and action.allowed(user)
    ]


@dataclass
class WorkItem:
    """A scorecard in the workspace: its actions, its assessments and how far they are."""

    scorecard: Scorecard
    actions: list
    assessments: list
    progress: list
    refusal: list
    period_ended: bool


def work_items(user, refused=None):
    """The scorecards in progress (and drafts for those who run the process) that ``user``
    takes part in; ``refused`` = (year, messages) shows a refusal on its scorecard."""
    scorecards = (
        Scorecard.objects.visible_to(user).exclude(state=ScorecardState.PUBLISHED).order_by("-year")
    )
    items = []
    for scorecard in scorecards:
        assessments = list(
            Assessment.objects.visible_to(user)
            .filter(scorecard=scorecard)
            .select_related("unit")
            .order_by("unit__code")
        )
        counts = dict(scorecard.assessments.values_list("state").annotate(n=Count("pk")).order_by())
        progress = [(label, counts.get(value, 0)) for value, label in AssessmentState.choices]
        refusal = refused[1] if refused and refused[0] == scorecard.year else []
        actions = offered_actions(scorecard, user)
        ended = scorecard.period_has_ended(timezone.now())
        items.append(WorkItem(scorecard, actions, assessments, progress, refusal, ended))
    return items


def render_workspace(request, refused=None, status=200):
    user = request.user
    context = {
        "items": work_items(user, refused),
        "published": Scorecard.objects.filter(state=ScorecardState.PUBLISHED).order_by("-year"),
        "can_manage": can_manage(user),
        "sees_everything": sees_everything(user),
        "assessed_unit_id": assessed_unit_id(user),
    }
    return render(request, "reform_index/index/work.html", context, status=status)


@require_GET
@index_staff_required
def workspace(request):
    return render_workspace(request)


@require_POST
@index_staff_required
def scorecard_action(request, year, action):
    step = SCORECARD_ACTIONS.get(action)
    if step is None:
        raise Http404
    scorecard = get_object_or_404(Scorecard.objects.visible_to(request.user), year=year)
    options = {"early_reason": request.POST.get("early_reason", "")} if step.takes_reason else {}
    try:
        step.service(scorecard, request.user, **options)
    except Refused as refusal:
        status = 403 if isinstance(refusal, NotAllowed) else 400
        loose = show_refusal(refusal, [])
        return render_workspace(request, refused=(scorecard.year, loose), status=status)
    messages.success(request, step.done % {"year": scorecard.year})
    return redirect("reform_index:work")


# --- self-assessment and appraisal ---------------------------------------------------------


def work_assessment(user, year, code):
    """(scorecard, assessment) that ``user`` may look at in the workspace, or 404."""
    scorecard = get_object_or_404(Scorecard.objects.visible_to(user), year=year)
    assessment = get_object_or_404(
        Assessment.objects.visible_to(user)
        .filter(scorecard=scorecard)
        .select_related("unit", "scorecard"),
        unit__code=code,
    )
    return scorecard, assessment
