"""Serializers of the reform index API. Reads render the selectors' dataclasses; writes
only parse the body, and the services decide."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Unit

from .models import (
    AssessmentState,
    CriterionKind,
    Inspection,
    Metric,
    Rule,
    Scorecard,
    ScorecardState,
)
from .selectors.breakdown import DOSSIER, INSPECTION, PROCEDURE

POINTS = {"max_digits": 7, "decimal_places": 2, "coerce_to_string": False}
# On an answer a choice field changes nothing but the schema, which then names the values
# (a manual criterion has no metric and no rule).
KIND = {"choices": CriterionKind.choices}
METRIC = {"choices": Metric.choices, "allow_blank": True}
RULE = {"choices": Rule.choices, "allow_blank": True}


def points_field(**extra):
    return serializers.DecimalField(**POINTS, **extra)


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ScorecardSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    survey_points = points_field(read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "year",
            "title",
            "period_start",
            "period_end",
            "state",
            "state_label",
            "survey_points",
            "grade_bands",
            "published_at",
            "early_publication_reason",
        ]


class NodeSerializer(serializers.Serializer):
    """A criterion of the tree (selectors.TreeNode), with its sub-criteria."""

    code = serializers.CharField()
    name = serializers.CharField()
    max_points = points_field()
    guidance = serializers.CharField()
    kind = serializers.ChoiceField(**KIND)
    metric = serializers.ChoiceField(**METRIC)
    metric_label = serializers.CharField()
    rule = serializers.ChoiceField(**RULE)
    rule_params = serializers.JSONField()
    rule_text = serializers.CharField()
    depth = serializers.IntegerField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, node):
        return type(self)(node.children, many=True, context=self.context).data


class ScorecardDetailSerializer(ScorecardSerializer):
    max_points = serializers.SerializerMethodField()
    areas = serializers.SerializerMethodField()

    class Meta(ScorecardSerializer.Meta):
        fields = [*ScorecardSerializer.Meta.fields, "max_points", "areas"]

    @extend_schema_field(NodeSerializer(many=True))
    def get_areas(self, scorecard):
        return NodeSerializer(self.context["tree"], many=True).data

    def get_max_points(self, scorecard) -> float:
        return float(sum(area.max_points for area in self.context["tree"]))


class CriterionRowSerializer(serializers.Serializer):
    """One criterion in the flat list, its parent named by code."""

    code = serializers.CharField()
    parent = serializers.CharField()
    name = serializers.CharField()
    max_points = points_field()
    guidance = serializers.CharField()
    kind = serializers.ChoiceField(**KIND)
    metric = serializers.ChoiceField(**METRIC)
    rule = serializers.ChoiceField(**RULE)
    rule_params = serializers.JSONField()
    rule_text = serializers.CharField()
    depth = serializers.IntegerField()
    is_leaf = serializers.BooleanField()


class RankingRowSerializer(serializers.Serializer):
    unit = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=AssessmentState.choices)
    total = points_field(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    grade = serializers.CharField()
    previous_rank = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True)

    def get_unit(self, row) -> dict:
        return {"code": row.unit_code, "name": row.unit_name}


class RankingSerializer(serializers.Serializer):
    """The ranking endpoint's answer."""

    year = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ScorecardState.choices)
    provisional = serializers.BooleanField()
    is_percentage = serializers.BooleanField()
    previous_year = serializers.IntegerField(allow_null=True)
    results = RankingRowSerializer(many=True)


class CriteriaSerializer(serializers.Serializer):
    """The criteria endpoint's answer."""

    year = serializers.IntegerField()
    results = CriterionRowSerializer(many=True)


class ImportedSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class AssessmentListSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    state = serializers.ChoiceField(choices=AssessmentState.choices)
    state_label = serializers.CharField(source="get_state_display")
    submitted_at = serializers.DateTimeField(allow_null=True)
    appraised_at = serializers.DateTimeField(allow_null=True)
    total = points_field(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    grade = serializers.CharField()


# Where the API links each kind of record behind an automatic point: the desk's dossier
# page, the public procedure page and the inspection in this API.
RECORD_URLS = {
    DOSSIER: "dossiers:desk-dossier",
    PROCEDURE: "procedures:detail",
    INSPECTION: "reform-index-inspection-detail",
}


class RecordLinkSerializer(serializers.Serializer):
    """A record behind an automatic point (a selectors RecordLink) with its link."""

    label = serializers.CharField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_url(self, item):
        try:
            return reverse(RECORD_URLS[item.kind], args=[item.key])
        except NoReverseMatch:
            return None


class RecordListSerializer(serializers.Serializer):
    kind = serializers.CharField()
    what = serializers.CharField()
    count = serializers.IntegerField()
    items = RecordLinkSerializer(many=True)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class LeafScoreSerializer(serializers.Serializer):
    self_points = points_field(allow_null=True)
    self_note = serializers.CharField()
    evidence_links = serializers.ListField(child=serializers.CharField())
    evidence = EvidenceSerializer(many=True)
    appraised_points = points_field(allow_null=True)
    appraisal_comment = serializers.CharField()
    auto_points = points_field(allow_null=True)
    numerator = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    denominator = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    value = serializers.FloatField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    final_points = points_field(allow_null=True)
    records = RecordListSerializer(allow_null=True)


class ScoredNodeSerializer(NodeSerializer):
    self_points = points_field(allow_null=True)
    final_points = points_field(allow_null=True)
    score = LeafScoreSerializer(allow_null=True)


class AppraisalProgressSerializer(serializers.Serializer):
    """How far the appraisal of the manual criteria is (selectors.AppraisalProgress)."""

    criteria = serializers.IntegerField()
    appraised = serializers.IntegerField()
    points = points_field()
    pending = serializers.IntegerField()
    acceptable = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    """One unit's scorecard explained (selectors.Breakdown)."""

    year = serializers.IntegerField(source="scorecard.year")
    unit = UnitRefSerializer()
    state = serializers.ChoiceField(choices=AssessmentState.choices, source="assessment.state")
    submitted_at = serializers.DateTimeField(source="assessment.submitted_at", allow_null=True)
    appraised_at = serializers.DateTimeField(source="assessment.appraised_at", allow_null=True)
    points = points_field(allow_null=True)
    self_points = points_field(allow_null=True)
    max_points = points_field()
    survey_score = points_field(allow_null=True)
    total = points_field(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    grade = serializers.CharField()
    provisional = serializers.BooleanField()
    is_percentage = serializers.BooleanField()
    appraisal = AppraisalProgressSerializer()
    areas = ScoredNodeSerializer(many=True)


class ScoreEntrySerializer(serializers.Serializer):
    """The fields of one criterion a PATCH may send; which of them may change is the
    service's call (the self-assessment's or the appraisal's)."""

    self_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, required=False
    )
    self_note = serializers.CharField(allow_blank=True, max_length=5000, required=False)
    evidence_links = serializers.ListField(
        child=serializers.URLField(max_length=500), max_length=20, required=False
    )
    appraised_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, required=False
    )
    appraisal_comment = serializers.CharField(allow_blank=True, max_length=5000, required=False)


class AssessmentUpdateSerializer(serializers.Serializer):
    scores = serializers.DictField(child=ScoreEntrySerializer(), required=False)
    survey_score = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, required=False
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                {"scores": [_("Send the scores to change (and the survey score, if any).")]}
            )
        return attrs


class AcceptSerializer(serializers.Serializer):
    criterion = serializers.CharField(
        max_length=20,
        required=False,
        help_text=_("A criterion, group or area code; the whole sheet when left out."),
    )


class PublishSerializer(serializers.Serializer):
    early_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("Required to publish before the period ends (leaders); recorded."),
    )


class CopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=300, required=False)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=["json", "csv"], required=False)

    def validate(self, attrs):
        if "format" not in attrs:
            extension = attrs["file"].name.rsplit(".", 1)[-1].lower()
            if extension not in ("json", "csv"):
                raise serializers.ValidationError(
                    {"format": [_("Say whether the file is JSON or CSV.")]}
                )
            attrs["format"] = extension
        return attrs


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "csv"], default="json")


class InspectionSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    violations = serializers.IntegerField(min_value=0, max_value=999, required=False)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "unit",
            "unit_name",
            "date",
            "team",
            "kind",
            "kind_label",
            "findings",
            "violations",
            "follow_up",
            "published",
        ]
        read_only_fields = ["id"]
