"""The score sheets of the reform index: the unit leader's self-assessment with its
evidence files, and the index officer's appraisal. A form per manual leaf; the services
decide who may change what, and when; a refusal is shown on the fields it names."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..forms import AppraisalScoreForm, SelfScoreForm, SurveyForm, show_refusal
from ..models import AssessmentState, Evidence, ScorecardState
from ..roles import sees_everything
from ..selectors.breakdown import assessment_breakdown, record_kinds_for
from ..selectors.tree import appraisal_progress, walk
from ..services.access import NotAllowed, Refused, can_manage, can_self_assess
from ..services.appraisal import accept_self_scores, appraise_assessment, save_appraisal
from ..services.computing import compute_assessment
from ..services.self_assessment import (
    add_evidence,
    remove_evidence,
    save_self_assessment,
    submit_assessment,
)
from .work import index_staff_required, work_assessment

NOTHING_SAVED = gettext_lazy("Some entries need correcting; nothing has been saved.")


def leaf_forms(tree, form_class, data=None, files=None):
    """One form per manual leaf that has a score row."""
    return [
        form_class(data, files, node=node)
        for node in walk(tree)
        if node.is_leaf and not node.is_automatic and node.score is not None
    ]


def page_rows(tree, forms):
    """(node, form or None) for every node of the tree, depth first."""
    by_id = {form.node.id: form for form in forms}
    return [(node, by_id.get(node.id)) for node in walk(tree)]


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
        return assessment_breakdown(self.assessment)

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
                except Refused as refusal:
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
        except Refused as refusal:
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
        messages.success(self.request, self.after_save())
        return redirect(self.request.path)

    def after_save(self):
        """Finish the sheet when asked; the message to show."""
        if self.finish_field in self.request.POST:
            self.finish()
            return self.finished_message
        return self.saved_message


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
        save_self_assessment(self.assessment, self.user, entries)
        for form in self.forms:
            upload = form.cleaned_data.get("evidence_file")
            if upload:
                add_evidence(score_of(self.assessment, form.node), self.user, upload)

    def finish(self):
        submit_assessment(self.assessment, self.user)


class AppraisalSheet(ScoreSheet):
    """The appraisal; its "accept" buttons (a criterion, group or area code) and "accept
    all" save what was typed first, then accept the unit's own points where none is."""

    form_class = AppraisalScoreForm
    template = "reform_index/index/appraisal.html"
    finish_field = "appraise"
    saved_message = gettext_lazy("The appraisal has been saved.")
    finished_message = gettext_lazy("The unit's appraisal is complete.")

    @property
    def saved_not_finished(self):
        if self.accepting():
            return _("Your entries are saved, but no self-assessed score could be accepted.")
        return _("Your entries are saved, but the appraisal could not be marked complete.")

    def accepting(self):
        return "accept" in self.request.POST or "accept_all" in self.request.POST

    def after_save(self):
        if not self.accepting():
            return super().after_save()
        code = None if "accept_all" in self.request.POST else self.request.POST["accept"]
        accepted = accept_self_scores(self.assessment, self.user, code)
        return _("Self-assessed scores accepted for %(n)s criteria.") % {"n": accepted}

    def context(self):
        context = super().context()
        context["rows"] = [
            (node, form, appraisal_progress([node]).acceptable) for node, form in context["rows"]
        ]
        return context

    def read(self):
        kinds = record_kinds_for(self.user, self.assessment)
        return assessment_breakdown(self.assessment, kinds)

    def is_open(self):
        return self.scorecard.state == ScorecardState.APPRAISAL

    def make_extra_forms(self, data):
        if not self.scorecard.survey_points:
            return []
        initial = {"survey_score": self.assessment.survey_score}
        return [SurveyForm(data, initial=initial, prefix="survey")]

    def save_entries(self, entries):
        survey = self.extra_forms[0].cleaned_data["survey_score"] if self.extra_forms else None
        save_appraisal(
            self.assessment,
            self.user,
            entries,
            survey_score=survey,
            set_survey=bool(self.extra_forms),
        )

    def finish(self):
        appraise_assessment(self.assessment, self.user)


@require_http_methods(["GET", "POST"])
@index_staff_required
def self_assessment(request, year, code):
    scorecard, assessment = work_assessment(request.user, year, code)
    if not can_self_assess(request.user, assessment):
        raise PermissionDenied(
            _("Only the leader of %(unit)s can fill in its self-assessment.")
            % {"unit": assessment.unit}
        )
    return SelfAssessmentSheet(request, scorecard, assessment).respond()


@require_http_methods(["GET", "POST"])
@index_staff_required
def appraisal(request, year, code):
    scorecard, assessment = work_assessment(request.user, year, code)
    if not can_manage(request.user):
        raise PermissionDenied(_("Only reform index officers can appraise."))
    return AppraisalSheet(request, scorecard, assessment).respond()


@require_POST
@index_staff_required
def compute_unit(request, year, code):
    """The index officer refreshes one unit's automatic criteria from the appraisal page."""
    _scorecard, assessment = work_assessment(request.user, year, code)
    try:
        compute_assessment(assessment, request.user)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None
    except Refused as refusal:
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
    if not (sees_everything(user) or can_self_assess(user, assessment)):
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
def remove_evidence_file(request, pk):
    evidence = visible_evidence(request.user, pk)
    assessment = evidence.score.assessment
    try:
        remove_evidence(evidence, request.user)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("The file “%(name)s” has been removed.") % {"name": evidence.original_name}
        )
    return redirect(
        "reform_index:self-assessment", year=assessment.scorecard.year, code=assessment.unit.code
    )
