"""The dossier app's tables, one module per topic. Django finds an app's models through
``dossiers.models``, so importing the modules here registers them; the rest of the project
imports the models and their choices from here."""

from .components import (
    LEFT_TO_SCAN,
    DossierComponent,
    Exemption,
    PaperForm,
    fully_digitised_expression,
    is_fully_digitised,
)
from .dossier import (
    CLOCK_RUNNING_STATUSES,
    DUE_FALLS,
    FINAL_STATUSES,
    OPEN_STATUSES,
    VERDICT_CHOICES,
    ApplicantKind,
    DailySequence,
    Dossier,
    DossierQuerySet,
    Status,
    service_unit,
)
from .held_uploads import HELD_UPLOAD_HOURS, HeldUpload, HeldUploadQuerySet
from .messaging import Notification, NotificationKind, Reminder, ReminderKind
from .privacy import DossierRead, ReadKind
from .records import (
    Apology,
    Attachment,
    AttachmentKind,
    DossierEvent,
    Rating,
    RatingChannel,
    Satisfaction,
    SupplementRequest,
)
from .results import ElectronicResult
from .statistics import DailyStat, Flows, MonthlyStat, RollupState
from .steps import DossierStep, DossierStepQuerySet, StepRework
from .store import CitizenDocument, CitizenDocumentQuerySet, DocumentSource

__all__ = [
    "CLOCK_RUNNING_STATUSES",
    "DUE_FALLS",
    "FINAL_STATUSES",
    "HELD_UPLOAD_HOURS",
    "LEFT_TO_SCAN",
    "OPEN_STATUSES",
    "VERDICT_CHOICES",
    "Apology",
    "ApplicantKind",
    "Attachment",
    "AttachmentKind",
    "CitizenDocument",
    "CitizenDocumentQuerySet",
    "DailySequence",
    "DailyStat",
    "DocumentSource",
    "Dossier",
    "DossierComponent",
    "DossierEvent",
    "DossierQuerySet",
    "DossierRead",
    "DossierStep",
    "DossierStepQuerySet",
    "ElectronicResult",
    "Exemption",
    "Flows",
    "HeldUpload",
    "HeldUploadQuerySet",
    "MonthlyStat",
    "Notification",
    "NotificationKind",
    "PaperForm",
    "Rating",
    "RatingChannel",
    "ReadKind",
    "Reminder",
    "ReminderKind",
    "RollupState",
    "Satisfaction",
    "Status",
    "StepRework",
    "SupplementRequest",
    "fully_digitised_expression",
    "is_fully_digitised",
    "service_unit",
]
