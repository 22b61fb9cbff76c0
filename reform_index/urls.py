"""The reform index pages, mounted at /reform-index/."""

from django.urls import path, register_converter

from . import views


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
    path("", views.ranking, name="ranking"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_form, name="inspection-new"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspections/<int:pk>/edit/", views.inspection_form, name="inspection-edit"),
    path("work/", views.workspace, name="work"),
    path("work/<int:year>/<slug:action>/", views.scorecard_action, name="scorecard-action"),
    path("work/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("work/evidence/<int:pk>/remove/", views.remove_evidence, name="evidence-remove"),
    path(
        "work/<int:year>/<index_unit:code>/self/",
        views.self_assessment,
        name="self-assessment",
    ),
    path("work/<int:year>/<index_unit:code>/appraise/", views.appraisal, name="appraisal"),
    path("work/<int:year>/<index_unit:code>/compute/", views.compute_unit, name="compute-unit"),
    path("<int:year>/", views.ranking, name="ranking-year"),
    path("<int:year>/<index_unit:code>/", views.unit_scorecard, name="unit"),
]
