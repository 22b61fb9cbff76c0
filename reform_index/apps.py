from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW_ALL = {
    "reform_index.view_scorecard",
    "reform_index.view_criterion",
    "reform_index.view_assessment",
    "reform_index.view_score",
    "reform_index.view_evidence",
    "reform_index.view_inspection",
}


class ReformIndexConfig(AppConfig):
    name = "reform_index"
    verbose_name = _("Reform index")

    # The admin shows what these allow; every state change still goes through a service,
    # which checks the role again (index officers appraise, leaders publish).
    ROLE_PERMISSIONS = {
        "index_officer": _VIEW_ALL
        | {
            "reform_index.add_scorecard",
            "reform_index.change_scorecard",
            "reform_index.add_criterion",
            "reform_index.change_criterion",
            "reform_index.delete_criterion",
            "reform_index.change_assessment",
            "reform_index.add_inspection",
            "reform_index.change_inspection",
        },
        "leader": _VIEW_ALL | {"reform_index.change_scorecard"},
        "unit_leader": {"reform_index.view_scorecard", "reform_index.view_criterion"},
    }
