"""The self-assessment: the assessed unit's own leader scores it, attaches evidence and
submits it for appraisal while the scorecard's self-assessment is open."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.uploads import check_upload

from ..models import AssessmentState, Evidence, ScorecardState
from .access import (
    Refused,
    can_self_assess,
    locked_assessment,
    require,
    require_not_frozen,
    require_state,
)
from .entries import missing_points, save_scores, scores_for

SELF_FIELDS = ("self_points", "self_note", "evidence_links")


@transaction.atomic
def save_self_assessment(assessment, actor, entries):
    """The unit leader's points, notes and evidence links: ``entries`` is
    ``{criterion code: {"self_points": Decimal | None, "self_note": str,
    "evidence_links": [url]}}``; only the keys given change."""
    require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can fill in its self-assessment.")
        % {"unit": assessment.unit},
    )
    assessment = locked_assessment(assessment)
    _require_self_assessment_open(assessment)
    scores = scores_for(assessment, entries, SELF_FIELDS)
    save_scores(scores, entries, SELF_FIELDS)
    return assessment


@transaction.atomic
def submit_assessment(assessment, actor, now=None):
    """The unit leader hands the self-assessment over; every manual leaf needs points."""
    require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can submit its self-assessment.")
        % {"unit": assessment.unit},
    )
    assessment = locked_assessment(assessment)
    _require_self_assessment_open(assessment)
    missing = missing_points(assessment, "self_points")
    if missing:
        raise Refused(errors={"scores": missing})
    assessment.state = AssessmentState.SUBMITTED
    assessment.submitted_at = now or timezone.now()
    assessment.save(update_fields=["state", "submitted_at"])
    return assessment


def _require_self_assessment_open(assessment):
    require_not_frozen(assessment.scorecard)
    require_state(
        assessment.scorecard,
        ScorecardState.SELF_ASSESSMENT,
        _("The self-assessment is not open."),
    )
    if assessment.state != AssessmentState.DRAFT:
        raise Refused(_("This self-assessment has been submitted; it can no longer change."))


@transaction.atomic
def add_evidence(score, actor, upload):
    """Attach a file to a self-assessed criterion (PDF, image or DOCX, size-limited)."""
    assessment = score.assessment
    require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can add evidence.") % {"unit": assessment.unit},
    )
    _require_self_assessment_open(locked_assessment(assessment))
    try:
        content_type, digest = check_upload(upload)
    except ValidationError as error:
        raise Refused(error.messages[0], field="file") from None
    return Evidence.objects.create(
        score=score,
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest,
        uploaded_by=actor,
    )


@transaction.atomic
def remove_evidence(evidence, actor):
    assessment = evidence.score.assessment
    require(
        can_self_assess(actor, assessment),
        _("Only the leader of %(unit)s can remove evidence.") % {"unit": assessment.unit},
    )
    _require_self_assessment_open(locked_assessment(assessment))
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))
