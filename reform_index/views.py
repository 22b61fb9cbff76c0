"""The reform index pages: the public ranking, each unit's scorecard and the published
inspections; the staff workspace, the ward's self-assessment and the index officer's
appraisal. Reads go through ``selectors`` (which decide who sees what), writes through
``services`` (which decide who may do what, and when); a refusal is shown on the page."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Unit
from procedures.views import paginate

from . import selectors, services
from .forms import (
    AppraisalScoreForm,
    InspectionFilterForm,
    InspectionForm,
    SelfScoreForm,
    SurveyForm,
    show_refusal,
)
from .models import AssessmentState, Evidence, Inspection, Scorecard, ScorecardState

INSPECTIONS_PAGE_SIZE = 25
NOTHING_SAVED = gettext_lazy("Some entries need correcting; nothing has been saved.")
IN_PROGRESS = (ScorecardState.SELF_ASSESSMENT, ScorecardState.APPRAISAL)


# --- the public ranking --------------------------------------------------------------------


def rankable_scorecards(user):
    """Scorecards whose ranking ``user`` may see: published ones, and those in progress
    (provisional) for index officers and leaders."""
    if selectors.sees_everything(user):
        return Scorecard.objects.exclude(state=ScorecardState.DRAFT)
    return Scorecard.objects.filter(state=ScorecardState.PUBLISHED)


@dataclass(frozen=True)
class RankingLine:
    """A ranking row with its change of points from the previous published year."""

    row: selectors.RankingRow
    previous_total: object
    points_change: object


def ranking_lines(scorecard):
    """[RankingLine] of the scorecard; a fixed number of queries whatever the units."""
    previous = selectors.previous_published(scorecard)
    previous_totals = (
        {row.unit_id: row.total for row in selectors.ranking(previous)} if previous else {}
    )
    lines = []
    for row in selectors.ranking(scorecard):
        before = previous_totals.get(row.unit_id)
        change = None if before is None or row.total is None else row.total - before
        lines.append(RankingLine(row, before, change))
    return lines, previous


@require_GET
def ranking(request, year=None):
    scorecards = rankable_scorecards(request.user)
    if year is None:
        scorecard = scorecards.filter(state=ScorecardState.PUBLISHED).order_by("-year").first()
    else:
        scorecard = get_object_or_404(scorecards, year=year)
    lines, previous = ranking_lines(scorecard) if scorecard else ([], None)
    context = {
        "scorecard": scorecard,
        "lines": lines,
        "previous": previous,
        "years": list(scorecards.order_by("-year").values_list("year", "state")),
    }
    return render(request, "reform_index/index/ranking.html", context)


@require_GET
def unit_scorecard(request, year, code):
    """One unit's scorecard, every point explained, and its inspections of the period."""
    scorecard = get_object_or_404(selectors.visible_scorecards(request.user), year=year)
    assessment = get_object_or_404(
        selectors.visible_assessments(request.user, scorecard), unit__code=code
    )
    kinds = selectors.record_kinds_for(request.user, assessment)
    breakdown = selectors.assessment_breakdown(assessment, kinds)
    inspections = (
        selectors.visible_inspections(request.user)
        .filter(unit=assessment.unit_id, date__range=(scorecard.period_start, scorecard.period_end))
        .order_by("-date", "-pk")
    )
    previous = selectors.previous_published(scorecard)
    context = {
        "breakdown": breakdown,
        "scorecard": scorecard,
        "rows": list(selectors.walk(breakdown.areas)),
        "inspections": inspections,
        "previous": previous,
        "previous_result": previous.assessments.filter(unit=assessment.unit_id).first()
        if previous
        else None,
        "can_rank": rankable_scorecards(request.user).filter(pk=scorecard.pk).exists(),
    }
    return render(request, "reform_index/index/unit.html", context)


# --- the staff workspace -------------------------------------------------------------------


def index_staff_required(view):
    """Anonymous users go to the login page; signed-in users without a part in the reform
    index (neither its officers, leaders nor a ward's leader) get 403."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        user = request.user
        if not (selectors.sees_everything(user) or selectors.assessed_unit_id(user)):
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


SCORECARD_ACTIONS = {
    action.name: action
    for action in (
        ScorecardAction(
            "open-self-assessment",
            services.open_self_assessment,
            (ScorecardState.DRAFT,),
            services.can_run_process,
            gettext_lazy("Open the self-assessment"),
            gettext_lazy(
                "Every ward and commune gets its assessment and can start scoring itself. "
                "The criteria can no longer change."
            ),
            gettext_lazy("The self-assessment of %(year)s is open."),
        ),
        ScorecardAction(
            "open-appraisal",
            services.open_appraisal,
            (ScorecardState.SELF_ASSESSMENT,),
            services.can_run_process,
            gettext_lazy("Close the self-assessment and open the appraisal"),
            gettext_lazy(
                "Units can no longer change their self-assessment; the automatic criteria are "
                "computed and the appraisal starts."
            ),
            gettext_lazy("The appraisal of %(year)s is open."),
        ),
        ScorecardAction(
            "compute",
            services.compute_scorecard,
            IN_PROGRESS,
            services.can_manage,
            gettext_lazy("Compute the automatic criteria now"),
            gettext_lazy(
                "Every unit's automatic criteria are recomputed from the portal's current data."
            ),
            gettext_lazy("The automatic criteria of %(year)s have been computed."),
        ),
        ScorecardAction(
            "publish",
            services.publish,
            (ScorecardState.APPRAISAL,),
            services.can_publish,
            gettext_lazy("Publish the results"),
            gettext_lazy(
                "Totals, ranks and grades are frozen and shown to the public. This cannot be "
                "undone."
            ),
            gettext_lazy("The reform index of %(year)s is published."),
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


def work_items(user, refused=None):
    """The scorecards in progress (and drafts for those who run the process) that ``user``
    takes part in; ``refused`` = (year, messages) shows a refusal on its scorecard."""
    scorecards = (
        selectors.visible_scorecards(user).exclude(state=ScorecardState.PUBLISHED).order_by("-year")
    )
    items = []
    for scorecard in scorecards:
        assessments = list(
            selectors.visible_assessments(user, scorecard)
            .select_related("unit")
            .order_by("unit__code")
        )
        counts = dict(scorecard.assessments.values_list("state").annotate(n=Count("pk")).order_by())
        progress = [(label, counts.get(value, 0)) for value, label in AssessmentState.choices]
        refusal = refused[1] if refused and refused[0] == scorecard.year else []
        items.append(
            WorkItem(scorecard, offered_actions(scorecard, user), assessments, progress, refusal)
        )
    return items


def render_workspace(request, refused=None, status=200):
    user = request.user
    context = {
        "items": work_items(user, refused),
        "published": Scorecard.objects.filter(state=ScorecardState.PUBLISHED).order_by("-year"),
        "can_manage": services.can_manage(user),
        "sees_everything": selectors.sees_everything(user),
        "assessed_unit_id": selectors.assessed_unit_id(user),
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
    scorecard = get_object_or_404(selectors.visible_scorecards(request.user), year=year)
    try:
        step.service(scorecard, request.user)
    except services.Refused as refusal:
        status = 403 if isinstance(refusal, services.NotAllowed) else 400
        loose = show_refusal(refusal, [])
        return render_workspace(request, refused=(scorecard.year, loose), status=status)
    messages.success(request, step.done % {"year": scorecard.year})
    return redirect("reform_index:work")


# --- self-assessment and appraisal ---------------------------------------------------------


def work_assessment(user, year, code):
    """(scorecard, assessment) that ``user`` may look at in the workspace, or 404."""
    scorecard = get_object_or_404(selectors.visible_scorecards(user), year=year)
    assessment = get_object_or_404(
        selectors.visible_assessments(user, scorecard).select_related("unit", "scorecard"),
        unit__code=code,
    )
    return scorecard, assessment


def leaf_forms(tree, form_class, data=None, files=None):
    """One form per manual leaf that has a score row."""
    return [
        form_class(data, files, node=node)
        for node in selectors.walk(tree)
        if node.is_leaf and not node.is_automatic and node.score is not None
    ]


def page_rows(tree, forms):
    """(node, form or None) for every node of the tree, depth first."""
    by_id = {form.node.id: form for form in forms}
    return [(node, by_id.get(node.id)) for node in selectors.walk(tree)]


def score_of(assessment, node):
    return assessment.scores.select_related("assessment__unit", "assessment__scorecard").get(
        criterion_id=node.id
    )


class ScoreSheet:
    """What the self-assessment and appraisal pages share: a form per manual leaf bound to
    the POST while the sheet is open, a save that calls the services, and a refusal shown
    on the fields it names (nothing saved then)."""

    form_class = None
    template = None
    finish_field = None  # the POST button that also closes the sheet

    def __init__(self, request, scorecard, assessment):
        self.request, self.scorecard, self.assessment = request, scorecard, assessment
        self.user = request.user
        self.entries_saved = False
        self.editable = self.is_open()
        self.posted = request.method == "POST" and self.editable
        self.breakdown = self.read()
        data, files = (request.POST, request.FILES) if self.posted else (None, None)
        self.forms = (
            leaf_forms(self.breakdown.areas, self.form_class, data, files) if self.editable else []
        )
        self.extra_forms = self.make_extra_forms(data) if self.editable else []

    def read(self):
        return selectors.assessment_breakdown(self.assessment)

    def is_open(self):
        raise NotImplementedError

    def make_extra_forms(self, data):
        return []

    def respond(self):
        loose = []
        if self.request.method == "POST" and not self.editable:
            loose = self.why_closed()
        elif self.posted:
            if not all([form.is_valid() for form in [*self.forms, *self.extra_forms]]):
                loose = [NOTHING_SAVED]
            else:
                try:
                    return self.save()
                except services.Refused as refusal:
                    summary = self.saved_not_finished if self.entries_saved else NOTHING_SAVED
                    loose = [summary, *show_refusal(refusal, self.forms, self.extra_forms)]
            self.breakdown = self.read()  # with what was saved before a refusal to close
        return render(
            self.request,
            self.template,
            {**self.context(), "loose_errors": loose},
            status=400 if loose else 200,
        )

    def why_closed(self):
        """The service's own reason for refusing a change now (a closed sheet)."""
        try:
            self.save_entries({})
        except services.Refused as refusal:
            return show_refusal(refusal, [])
        return []

    def context(self):
        return {
            "scorecard": self.scorecard,
            "assessment": self.assessment,
            "breakdown": self.breakdown,
            "rows": page_rows(self.breakdown.areas, self.forms),
            "extra_forms": self.extra_forms,
            "editable": self.editable,
        }

    def save(self):
        self.save_entries({form.node.code: form.entry() for form in self.forms})
        self.entries_saved = True
        if self.finish_field in self.request.POST:
            self.finish()
            messages.success(self.request, self.finished_message)
        else:
            messages.success(self.request, self.saved_message)
        return redirect(self.request.path)


class SelfAssessmentSheet(ScoreSheet):
    form_class = SelfScoreForm
    template = "reform_index/index/self_assessment.html"
    finish_field = "submit"
    saved_message = gettext_lazy("The self-assessment has been saved as a draft.")
    finished_message = gettext_lazy("The self-assessment has been submitted for appraisal.")
    saved_not_finished = gettext_lazy(
        "Your entries are saved as a draft, but the self-assessment could not be submitted."
    )

    def is_open(self):
        return (
            self.scorecard.state == ScorecardState.SELF_ASSESSMENT
            and self.assessment.state == AssessmentState.DRAFT
        )

    def save_entries(self, entries):
        services.save_self_assessment(self.assessment, self.user, entries)
        for form in self.forms:
            upload = form.cleaned_data.get("evidence_file")
            if upload:
                services.add_evidence(score_of(self.assessment, form.node), self.user, upload)

    def finish(self):
        services.submit_assessment(self.assessment, self.user)


class AppraisalSheet(ScoreSheet):
    form_class = AppraisalScoreForm
    template = "reform_index/index/appraisal.html"
    finish_field = "appraise"
    saved_message = gettext_lazy("The appraisal has been saved.")
    finished_message = gettext_lazy("The unit's appraisal is complete.")
    saved_not_finished = gettext_lazy(
        "Your entries are saved, but the appraisal could not be marked complete."
    )

    def read(self):
        kinds = selectors.record_kinds_for(self.user, self.assessment)
        return selectors.assessment_breakdown(self.assessment, kinds)

    def is_open(self):
        return self.scorecard.state == ScorecardState.APPRAISAL

    def make_extra_forms(self, data):
        if not self.scorecard.survey_points:
            return []
        initial = {"survey_score": self.assessment.survey_score}
        return [SurveyForm(data, initial=initial, prefix="survey")]

    def save_entries(self, entries):
        survey = self.extra_forms[0].cleaned_data["survey_score"] if self.extra_forms else None
        services.save_appraisal(
            self.assessment,
            self.user,
            entries,
            survey_score=survey,
            set_survey=bool(self.extra_forms),
        )

    def finish(self):
        services.appraise_assessment(self.assessment, self.user)


@require_http_methods(["GET", "POST"])
@index_staff_required
def self_assessment(request, year, code):
    scorecard, assessment = work_assessment(request.user, year, code)
    if not services.can_self_assess(request.user, assessment):
        raise PermissionDenied(
            _("Only the leader of %(unit)s can fill in its self-assessment.")
            % {"unit": assessment.unit}
        )
    return SelfAssessmentSheet(request, scorecard, assessment).respond()


@require_http_methods(["GET", "POST"])
@index_staff_required
def appraisal(request, year, code):
    scorecard, assessment = work_assessment(request.user, year, code)
    if not services.can_manage(request.user):
        raise PermissionDenied(_("Only reform index officers can appraise."))
    return AppraisalSheet(request, scorecard, assessment).respond()


@require_POST
@index_staff_required
def compute_unit(request, year, code):
    """The index officer refreshes one unit's automatic criteria from the appraisal page."""
    _scorecard, assessment = work_assessment(request.user, year, code)
    try:
        services.compute_assessment(assessment, request.user)
    except services.NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None
    except services.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The automatic criteria have been computed."))
    return redirect("reform_index:appraisal", year=year, code=code)


# --- evidence files ------------------------------------------------------------------------


def visible_evidence(user, pk):
    """The evidence file, for its unit's leader and for index officers and leaders."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("score__assessment__unit", "score__assessment__scorecard"),
        pk=pk,
    )
    assessment = evidence.score.assessment
    if not (selectors.sees_everything(user) or services.can_self_assess(user, assessment)):
        raise Http404
    return evidence


@require_GET
@index_staff_required
def evidence_file(request, pk):
    evidence = visible_evidence(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, filename=evidence.original_name, content_type=evidence.content_type)


@require_POST
@index_staff_required
def remove_evidence(request, pk):
    evidence = visible_evidence(request.user, pk)
    assessment = evidence.score.assessment
    try:
        services.remove_evidence(evidence, request.user)
    except services.NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None
    except services.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("The file “%(name)s” has been removed.") % {"name": evidence.original_name}
        )
    return redirect(
        "reform_index:self-assessment", year=assessment.scorecard.year, code=assessment.unit.code
    )


# --- inspections ---------------------------------------------------------------------------


@require_GET
def inspections(request):
    """Published inspections (and, for index officers and leaders, those not yet
    published), filtered by unit and year."""
    visible = selectors.visible_inspections(request.user)
    units = Unit.objects.filter(pk__in=visible.values("unit_id")).order_by("code")
    years = [day.year for day in visible.dates("date", "year", order="DESC")]
    form = InspectionFilterForm(request.GET or None, units, years)
    found = form.apply(visible).select_related("unit").order_by("-date", "-pk")
    page, page_notice = paginate(request, found, INSPECTIONS_PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "page_notice": page_notice,
        "can_manage": services.can_manage(request.user),
    }
    return render(request, "reform_index/index/inspections.html", context)


@require_GET
def inspection(request, pk):
    found = get_object_or_404(
        selectors.visible_inspections(request.user).select_related("unit"), pk=pk
    )
    context = {"inspection": found, "can_manage": services.can_manage(request.user)}
    return render(request, "reform_index/index/inspection.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def inspection_form(request, pk=None):
    """Record an inspection (``pk`` None) or change one: index officers only."""
    if not services.can_manage(request.user):
        raise PermissionDenied(_("Only reform index officers can record inspections."))
    instance = get_object_or_404(Inspection, pk=pk) if pk else None
    form = InspectionForm(request.POST or None, instance=instance)
    loose = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_inspection(request.user, form.values(), inspection=instance)
        except services.Refused as refusal:
            loose = show_refusal(refusal, [], [form])
        else:
            messages.success(request, _("The inspection has been saved."))
            return redirect("reform_index:inspection", pk=saved.pk)
    invalid = request.method == "POST"
    context = {"form": form, "inspection": instance, "loose_errors": loose}
    return render(
        request, "reform_index/index/inspection_form.html", context, status=400 if invalid else 200
    )
