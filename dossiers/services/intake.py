"""Creating a dossier: online filing by a citizen, intake at the desk's counter, and the
day's dossier numbers."""

from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workdays
from core.models import Unit, UnitKind
from procedures.models import Channel, Level
from procedures.services.versions import current_version

from ..applicants import Applicant
from ..messaging import notifications
from ..models import AttachmentKind, DailySequence, Dossier, NotificationKind, service_unit
from ..workflow import Action, may_create
from .attachments import attach_all
from .clock import start_clock
from .components import check_checklist, dossier_terms, record_components
from .errors import TransitionError
from .steps import create_steps
from .store import apply_reuses, check_reuses
from .transitions import enter_status, log_event


@dataclass
class Intake:
    procedure: object
    applicant: Applicant
    summary: str = ""
    uploads: list = field(default_factory=list)
    components: list | None = None  # the desk's checklist (ComponentEntry), if used
    desk_limit: object = None  # a DeskLimit when the catalogue states no time limit
    reuses: list = field(default_factory=list)  # papers from the applicant's store (Reuse)
    consent: bool = False  # at the counter: the applicant agreed to the reuse


def receiving_units(procedure):
    """The one rule for where ``procedure`` may be filed (the filing page, the API, the
    national portal's dossiers): the offices serving its handling units (a one-stop
    centre stands for its parent unit). A procedure listing no handling unit can
    be filed at any desk of its level: a ward or commune, or a unit with a one-stop
    centre."""
    listed = {service_unit(unit).pk for unit in procedure.handling_units.all()}
    if listed:
        units = Unit.objects.filter(pk__in=listed)
    elif procedure.level == Level.COMMUNE:
        units = Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE])
    else:
        units = Unit.objects.filter(children__kind=UnitKind.CENTRE)
    return units.filter(is_active=True).distinct().order_by("path")


def file_online(citizen, intake, receiving_unit, now=None):
    """A citizen files online: status submitted, waiting for the desk's check."""
    if not may_create(Action.FILE_ONLINE, citizen):
        raise TransitionError(_("Only citizens can file dossiers online."))
    if not intake.procedure.is_online:
        raise TransitionError(_("This procedure cannot be filed online."), field="procedure")
    now = now or timezone.now()
    check_reuses(citizen, intake.procedure, intake.reuses)
    with transaction.atomic():
        return _submitted_online(intake, receiving_unit, citizen, now, applicant_user=citizen)


def _submitted_online(intake, receiving_unit, filer, now, **fields):
    """The dossier of an online filing, submitted and waiting for the desk's check;
    ``filer`` is the citizen's account, None for a dossier of the national portal."""
    dossier = _new_dossier(intake, receiving_unit, Channel.ONLINE, now)
    for name, value in fields.items():
        setattr(dossier, name, value)
    dossier.submitted_at = now
    enter_status(dossier, Action.FILE_ONLINE)
    dossier.save()
    attach_all(dossier, intake.uploads, filer, AttachmentKind.APPLICATION)
    record_components(dossier, filer, online=True)
    apply_reuses(dossier, intake.reuses, filer, now)
    log_event(dossier, Action.FILE_ONLINE, filer, now, "", note=intake.summary)
    return dossier


def intake_at_counter(officer, intake, channel=Channel.COUNTER, applicant_user=None, now=None):
    """The desk receives a complete dossier on the spot: received at once, clock started."""
    unit = service_unit(officer.unit)
    if unit is None or not may_create(Action.INTAKE, officer):
        raise TransitionError(_("Only a desk officer can receive dossiers at the counter."))
    now = now or timezone.now()
    check_reuses(applicant_user, intake.procedure, intake.reuses, consent=intake.consent)
    if intake.components is not None:
        uploaded = {upload.document.pk for upload in intake.uploads if upload.document}
        uploaded |= {reuse.document.pk for reuse in intake.reuses}
        check_checklist(intake.procedure, intake.components, uploaded)
    with transaction.atomic():
        dossier = _new_dossier(intake, unit, channel, now)
        dossier.applicant_user = applicant_user
        dossier.submitted_at = now
        start_clock(dossier, now)
        enter_status(dossier, Action.INTAKE)
        dossier.save()
        attach_all(dossier, intake.uploads, officer, AttachmentKind.APPLICATION)
        record_components(dossier, officer, intake.components)
        apply_reuses(dossier, intake.reuses, officer, now)
        create_steps(dossier, now, officer)
        event = log_event(dossier, Action.INTAKE, officer, now, "", note=dossier.limit_reason)
        notifications.after_commit(dossier, event, NotificationKind.RECEIVED)
    return dossier


def _new_dossier(intake, receiving_unit, channel, now):
    procedure = intake.procedure
    version = current_version(procedure)
    amount, unit, cutoff, reason = dossier_terms(procedure, channel, intake.desk_limit)
    applicant = intake.applicant
    refused = applicant.refusal()
    if refused:
        raise TransitionError(refused.message, field=refused.field)
    return Dossier(
        code=next_dossier_code(receiving_unit, now),
        procedure=procedure,
        procedure_version=version,
        receiving_unit=receiving_unit,
        handling_unit=receiving_unit,
        channel=channel,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_phone=applicant.phone,
        applicant_id_number=applicant.id_number,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        summary=intake.summary,
        limit_amount=amount,
        limit_unit=unit,
        limit_cutoff=cutoff,
        limit_reason=reason,
    )


def next_dossier_code(unit, now):
    """`{unit code}-{yymmdd}-{NNNN}`: the day's sequence row is locked, so concurrent
    intakes at one desk never share a number."""
    day = timezone.localtime(now, workdays.TZ).date()
    return f"{unit.code}-{day:%y%m%d}-{_take_number(unit, day):04d}"


def _take_number(unit, day):
    """The next number of the unit's day in one statement: the day's row is created or
    counted on, and stays locked until the intake commits."""
    quote = connection.ops.quote_name
    table = quote(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('unit_id')}, {quote('day')}, {quote('last')}) "
            f"VALUES (%s, %s, 1) ON CONFLICT ({quote('unit_id')}, {quote('day')}) "
            f"DO UPDATE SET {quote('last')} = {table}.{quote('last')} + 1 "
            f"RETURNING {quote('last')}",
            [unit.pk, day],
        )
        return cursor.fetchone()[0]


def file_from_national_portal(intake, receiving_unit, national_code, now=None):
    """A dossier filed on the national portal arrives: like an online filing, waiting for
    the desk's check, with the national code as its external reference. The same code
    again is the same dossier: (dossier, created)."""
    known = Dossier.objects.filter(external_code=national_code).first()
    if known is not None:
        return known, False
    now = now or timezone.now()
    try:
        with transaction.atomic():
            dossier = _submitted_online(
                intake, receiving_unit, None, now, external_code=national_code
            )
    except IntegrityError:
        # The same national dossier, created by a concurrent delivery.
        return Dossier.objects.get(external_code=national_code), False
    return dossier, True
