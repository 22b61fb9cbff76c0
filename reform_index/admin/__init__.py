"""The reform index back office: scorecards with their criteria, the units' assessments
and the inspections. Each list shows what the models' ``visible_to(user)`` lets its user
see; every state change is an action that calls a service."""

# Importing the modules registers their model admins (the admin autodiscovers this package).
from . import assessments, inspections, scorecards  # noqa: F401
