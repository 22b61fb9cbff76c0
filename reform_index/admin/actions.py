"""Admin actions that call a service for each selected object."""

from django.contrib import messages

from ..services import access


def run_service(modeladmin, request, objects, call, done):
    """``call(obj)`` for each selected object: each refusal is reported with its reason,
    the successes in one line."""
    succeeded = 0
    for obj in objects:
        try:
            call(obj)
        except access.Refused as refusal:
            modeladmin.message_user(request, f"{obj}: {refusal.message}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)
