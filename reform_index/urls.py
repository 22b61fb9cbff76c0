"""The reform index pages, mounted at /reform-index/."""

from django.urls import path, register_converter

from .views import inspections, public, scoring, work


class UnitCodeConverter:
    """A unit's agency code, e.g. H26.45.01."""

    regex = r"[\w.\-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnitCodeConverter, "index_unit")

app_name = "reform_index"

urlpatterns = [
    path("", public.ranking, name="ranking"),
    path("inspections/", inspections.inspections, name="inspections"),
    path("inspections/new/", inspections.inspection_form, name="inspection-new"),
    path("inspections/<int:pk>/", inspections.inspection, name="inspection"),
    path("inspections/<int:pk>/edit/", inspections.inspection_form, name="inspection-edit"),
    path("work/", work.workspace, name="work"),
    path("work/<int:year>/<slug:action>/", work.scorecard_action, name="scorecard-action"),
    path("work/evidence/<int:pk>/", scoring.evidence_file, name="evidence"),
    path("work/evidence/<int:pk>/remove/", scoring.remove_evidence_file, name="evidence-remove"),
    path(
        "work/<int:year>/<index_unit:code>/self/",
        scoring.self_assessment,
        name="self-assessment",
    ),
    path("work/<int:year>/<index_unit:code>/appraise/", scoring.appraisal, name="appraisal"),
    path("work/<int:year>/<index_unit:code>/compute/", scoring.compute_unit, name="compute-unit"),
    path("<int:year>/", public.ranking, name="ranking-year"),
    path("<int:year>/<index_unit:code>/", public.unit_scorecard, name="unit"),
]
