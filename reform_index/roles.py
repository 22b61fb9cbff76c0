"""Who takes part in the reform index: those who see everything (index officers, leaders,
superusers) and the leader of an assessed unit. The models' ``visible_to`` querysets, the
services' permission checks and the pages all ask these two questions."""

from core.roles import Role
from dossiers.models import service_unit


def sees_everything(user):
    """Index officers, leaders and superusers see every scorecard, even drafts."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_role(Role.INDEX_OFFICER, Role.LEADER))
    )


def assessed_unit_id(user):
    """The unit whose self-assessment ``user`` fills in (they lead it), or None."""
    if not user.is_authenticated or not user.has_role(Role.UNIT_LEADER) or not user.unit_id:
        return None
    return service_unit(user.unit).pk
