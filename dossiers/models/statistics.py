"""The roll-up tables the reports read: flows per unit, field and day or month."""

from django.db import models

from core.models import Unit
from procedures.models import Procedure


class Flows(models.Model):
    """What happened to the dossiers of one receiving unit and field over a stretch of
    time. Flows only; open and overdue counts at any date are running sums of
    (received - left) and (due_fell - left_overdue).

    Derived rows, rebuilt from the dossiers by the roll-up: their foreign keys carry no
    database constraint, whose checks cost a year's roll-up more time than writing the rows
    (Django still cascades deletions)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    field = models.ForeignKey(
        "procedures.Field", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    received = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    late_with_apology = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)  # left handling: resolved, stopped, refused
    left_overdue = models.PositiveIntegerField(default=0)
    due_fell = models.PositiveIntegerField(default=0)  # became overdue that day
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyStat(Flows):
    """The nightly roll-up: one procedure's flows at one receiving unit on one day."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit", "procedure"], name="daily_stat_unique")
        ]
        indexes = [models.Index(fields=["unit", "day"], name="daily_stat_unit_day")]

    def __str__(self):
        return f"{self.day} {self.unit_id} {self.procedure_id}"


class MonthlyStat(Flows):
    """The daily roll-up summed per unit, field and calendar month, kept in step with it:
    reports over whole months read a few thousand of these instead of a row per
    procedure and day."""

    month = models.DateField()  # the first day of the month

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit", "field"], name="monthly_stat_unique")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.unit_id} {self.field_id}"


class RollupState(models.Model):
    """How far the roll-up is complete; reports count live after this day."""

    rolled_through = models.DateField(null=True)

    def __str__(self):
        return f"rolled through {self.rolled_through}"
