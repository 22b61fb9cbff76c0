"""Catalogue factories shared by every test that needs procedures."""

from datetime import time
from decimal import Decimal

import factory

from core.workdays import LimitUnit
from procedures.models import (
    Channel,
    Field,
    Level,
    OnlineLevel,
    Procedure,
    RequiredDocument,
    WorkflowStep,
)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử {n}")
    order = factory.Sequence(lambda n: n)


class ProcedureFactory(factory.django.DjangoModelFactory):
    """A published commune-level procedure with a 5-working-day limit.

    Traits: ``online`` (fully online), ``partly_online``, ``same_day`` (15:00 cut-off),
    ``unpublished``, ``per_channel`` (3 working days online, 5 at the counter).
    ``handling_units=[unit, ...]`` links handling units.
    """

    class Meta:
        model = Procedure
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    level = Level.COMMUNE
    time_limit_amount = Decimal(5)
    time_limit_unit = LimitUnit.WORKING_DAYS.value
    online_level = OnlineLevel.NONE
    published = True

    class Params:
        online = factory.Trait(online_level=OnlineLevel.FULL)
        partly_online = factory.Trait(online_level=OnlineLevel.PARTIAL)
        same_day = factory.Trait(
            time_limit_amount=Decimal(0),
            time_limit_unit=LimitUnit.SAME_DAY.value,
            same_day_cutoff=time(15, 0),
        )
        unpublished = factory.Trait(published=False)
        per_channel = factory.Trait(
            channel_terms=[
                {
                    "channel": Channel.COUNTER.value,
                    "amount": "5",
                    "unit": LimitUnit.WORKING_DAYS.value,
                    "cutoff": None,
                    "note": "",
                    "fees": [],
                },
                {
                    "channel": Channel.ONLINE.value,
                    "amount": "3",
                    "unit": LimitUnit.WORKING_DAYS.value,
                    "cutoff": None,
                    "note": "",
                    "fees": [],
                },
            ]
        )

    @factory.post_generation
    def handling_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.handling_units.add(*extracted)


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ thử {n}")
    originals = 1
    copies = 0
    order = factory.Sequence(lambda n: n)


class WorkflowStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkflowStep

    procedure = factory.SubFactory(ProcedureFactory)
    order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Bước xử lý {n}")
    role = "specialist"
    share = Decimal(25)
