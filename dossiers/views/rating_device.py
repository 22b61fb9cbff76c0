"""The counter rating device: the desk opens the page (POST, desk staff), the applicant
rates on it without an account (the token in its address; throttled)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.throttles import page_throttled

from ..forms.citizen import RatingForm
from ..services import ratings
from ..services.errors import TransitionError
from .desk import desk_staff_required, scoped_dossier

TEMPLATE = "dossiers/rating_device.html"


@require_POST
@desk_staff_required
def open_device(request, code):
    dossier = scoped_dossier(request, code)
    try:
        token = ratings.open_device(dossier, request.user)
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect("dossiers:desk-dossier", code=dossier.code)
    return redirect("dossiers:rating-device", token=token)


def device_page(request, token):
    if request.method == "POST" and page_throttled(request, "lookup"):
        return render(request, TEMPLATE, {"refused": _("Too many attempts.")}, status=429)
    try:
        dossier, _device = ratings.device_of(token)
    except TransitionError as error:
        return render(request, TEMPLATE, {"refused": error.message}, status=403)
    form = RatingForm(request.POST if request.method == "POST" else None)
    context = {"dossier": dossier, "form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            ratings.rate_on_device(token, data["level"], data["comment"].strip())
        except TransitionError as error:
            return render(request, TEMPLATE, {**context, "refused": error.message}, status=409)
        return render(request, TEMPLATE, {**context, "thanked": True})
    return render(request, TEMPLATE, context, status=400 if form.is_bound else 200)


urlpatterns = [
    path("desk/rating-device/<str:code>/", open_device, name="rating-device-open"),
    path("rating/<str:token>/", device_page, name="rating-device"),
]
