"""The generator: it plans each day's filings, places each at a desk and an instant, and
hands it to the life simulation. `generate(count)` covers the whole year; the benchmark
gives each worker its own slice of the days through `generate_days`."""

import random
from datetime import time, timedelta

from core import workdays
from core.workdays import TZ
from procedures.models import Channel

from .days import QuickCalendar, local_at, plan_days
from .insides import Insides
from .life import Tally
from .rates import DAYS, ONLINE_HOUR_WEIGHTS, POST_SHARE
from .simulation import LifeSimulation, Weighted


class DossierGenerator:
    """Plans dossiers day by day, deterministic for a given world, `now` and seed."""

    def __init__(self, world, now, seed):
        self.world, self.now = world, now
        self.cal = QuickCalendar.around(world.calendar, now.astimezone(TZ).date())
        self.rng = random.Random(seed)
        insides = Insides(world, now, self.cal, seed)
        self.lives = LifeSimulation(world, now, self.cal, self.rng, insides)
        self._desks = {
            "counter": Weighted(world.desks, [d.weight for d in world.desks]),
            "saturday": Weighted(*_weighted(world.desks, lambda d: d.saturday_reception)),
            "online": Weighted(*_weighted(world.desks, lambda d: d.online_procedures)),
        }
        self.sequences = {}  # (unit id, day) -> the last number issued
        self.tally = Tally()

    def generate(self, count, days=DAYS):
        plan = plan_days(self.world, self.now, count, days)
        return self.generate_days(plan, online_total=sum(p.online for p in plan))

    def generate_days(self, plan, online_total):
        if self.world.citizen and online_total:
            self.lives.citizen_rate = self.world.citizen_dossiers / online_total
        for day_plan in plan:
            yield from self._day(day_plan)

    def _day(self, plan):
        slots = [self._counter_slot(plan.day) for _ in range(plan.counter)]
        slots += [self._online_slot(plan.day) for _ in range(plan.online)]
        slots.sort(key=lambda slot: slot[0])
        for at, channel, desk in slots:
            key = (desk.unit_id, plan.day)
            self.sequences[key] = number = self.sequences.get(key, 0) + 1
            code = f"{desk.code}-{plan.day:%y%m%d}-{number:04d}"
            dossier = self.lives.dossier(desk, channel, at, code)
            self.tally.add(dossier)
            yield dossier

    # --- when and where each filing arrives ----------------------------------------------

    def _counter_slot(self, day):
        channel = Channel.POST if self.rng.random() < POST_SHARE else Channel.COUNTER
        if self.cal.is_working_day(day):
            return self._working_instant(day), channel, self._desks["counter"].pick(self.rng)
        return self._saturday_instant(day), channel, self._desks["saturday"].pick(self.rng)

    def _online_slot(self, day):
        return self._online_instant(day), Channel.ONLINE, self._desks["online"].pick(self.rng)

    def _working_instant(self, day):
        opening = local_at(day, self.cal.periods[0][0])
        span = self.cal.hours_per_day
        if day == self._today:
            span = min(span, workdays.working_time_between(self.cal, opening, self.now))
        return workdays.add_working_time(self.cal, opening, span * self.rng.random())

    def _saturday_instant(self, day):
        start, end = (local_at(day, clock) for clock in self.world.saturday_hours)
        return start + (min(end, max(self.now, start)) - start) * self.rng.random()

    def _online_instant(self, day):
        hour = self.rng.choices(range(24), ONLINE_HOUR_WEIGHTS)[0]
        at = local_at(day, time(hour)) + timedelta(seconds=self.rng.randrange(3600))
        if at > self.now:  # today's filings all happened before now
            midnight = local_at(day, time.min)
            at = midnight + (self.now - midnight) * self.rng.random()
        return at

    @property
    def _today(self):
        return self.now.astimezone(TZ).date()


def _weighted(desks, keep):
    chosen = [desk for desk in desks if keep(desk)]
    return chosen, [desk.weight for desk in chosen]
