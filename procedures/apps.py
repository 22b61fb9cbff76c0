from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = frozenset(
    f"procedures.view_{model}"
    for model in ("field", "procedure", "requireddocument", "workflowstep", "procedureversion")
)
# A procedure's documents and internal steps are edited on its page, so whoever may change
# the procedure may change them too.
_EDIT_PROCEDURE = frozenset(
    {
        "procedures.change_procedure",
        *(
            f"procedures.{action}_{model}"
            for action in ("add", "change", "delete")
            for model in ("requireddocument", "workflowstep")
        ),
    }
)


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Procedure catalogue")

    # The catalogue is imported from the national database; only admins add procedures,
    # and the top leader corrects local terms.
    ROLE_PERMISSIONS = {
        "desk_officer": _READ,
        "specialist": _READ,
        "unit_leader": _READ,
        "leader": _READ | _EDIT_PROCEDURE,
        "index_officer": _READ,
    }

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core.models import Unit

        from .catalogue_cache import catalogue_changed
        from .models import Field, Procedure, RequiredDocument, WorkflowStep

        # Everything a procedure's terms are made of (a step names its unit by code).
        for model in (Field, Procedure, RequiredDocument, WorkflowStep, Unit):
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model}")
        m2m_changed.connect(
            catalogue_changed,
            sender=Procedure.handling_units.through,
            dispatch_uid="catalogue-handling-units",
        )
