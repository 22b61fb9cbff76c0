"""The one scoping rule of the reform index: ``visible_to(user)`` on scorecards,
assessments and inspections, which every list, filter and export of the API, the pages
and the back office starts from. One table per model: who sees which records."""

import pytest
from django.contrib.auth.models import AnonymousUser

from reform_index.models import Assessment, Inspection, Scorecard
from tests.reform_index.factories import AssessmentFactory, InspectionFactory, ScorecardFactory

ALL_SCORECARDS = {"draft", "running", "published"}
ALL_ASSESSMENTS = {"draft/ward", "running/ward", "running/other", "published/ward"}
ALL_INSPECTIONS = {"ward", "ward/unpublished", "other/unpublished"}
PUBLIC = {
    Scorecard: {"published"},
    Assessment: {"published/ward"},
    Inspection: {"ward"},
}
EVERYTHING = {Scorecard: ALL_SCORECARDS, Assessment: ALL_ASSESSMENTS, Inspection: ALL_INSPECTIONS}

# user → {model: the names of the records they see}
SEES = {
    "anonymous": PUBLIC,
    "citizen": PUBLIC,
    # Staff of the ward without a part in the index see what the public sees.
    "ward_desk": PUBLIC,
    # The ward's leader also sees the scorecards in progress, their own unit's assessment
    # in them and their own unit's unpublished inspections.
    "ward_leader": {
        Scorecard: {"running", "published"},
        Assessment: {"running/ward", "published/ward"},
        Inspection: {"ward", "ward/unpublished"},
    },
    "index_officer": EVERYTHING,
    "leader": EVERYTHING,
    "admin": EVERYTHING,
}


@pytest.fixture
def records(world):
    """A draft, a running and a published scorecard with the wards' assessments, and a
    published and two unpublished inspections; each named as in ``SEES``."""
    draft = ScorecardFactory(year=2027)
    running = ScorecardFactory(year=2026, self_assessment=True)
    published = ScorecardFactory(year=2025, published=True)
    ward, other = world.ward, world.other_ward
    return {
        Scorecard: {"draft": draft, "running": running, "published": published},
        Assessment: {
            "draft/ward": AssessmentFactory(scorecard=draft, unit=ward),
            "running/ward": AssessmentFactory(scorecard=running, unit=ward),
            "running/other": AssessmentFactory(scorecard=running, unit=other),
            "published/ward": AssessmentFactory(scorecard=published, unit=ward, appraised=True),
        },
        Inspection: {
            "ward": InspectionFactory(unit=ward),
            "ward/unpublished": InspectionFactory(unit=ward, unpublished=True),
            "other/unpublished": InspectionFactory(unit=other, unpublished=True),
        },
    }


def user_named(world, name):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


@pytest.mark.parametrize("model", [Scorecard, Assessment, Inspection], ids=lambda m: m.__name__)
@pytest.mark.parametrize("name", list(SEES))
def test_who_sees_what(world, records, name, model):
    names = {record.pk: key for key, record in records[model].items()}
    visible = model.objects.visible_to(user_named(world, name)).values_list("pk", flat=True)
    assert {names[pk] for pk in visible} == SEES[name][model]


def test_an_inactive_officer_sees_only_what_the_public_sees(world, records):
    world.index_officer.is_active = False
    for model, public in PUBLIC.items():
        visible = model.objects.visible_to(world.index_officer).values_list("pk", flat=True)
        assert set(visible) == {records[model][key].pk for key in public}
