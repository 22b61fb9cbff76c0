"""The citizen's document store: their own papers listed, added, downloaded and deleted on
``/dossiers/mine/store/``, and read or deleted through ``/api/v1/me/documents/``. Every read
starts from ``CitizenDocument.objects.visible_to``: another's document is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveDestroyAPIView

from core.serializers import ModelSerializer

from ..models import CitizenDocument
from ..services.errors import TransitionError
from ..services.store import StoredPaper, add_document, delete_document
from .files import stored_file_response


class StoreForm(forms.Form):
    kind = forms.CharField(label=gettext_lazy("Kind of paper"), max_length=200)
    number = forms.CharField(label=gettext_lazy("Number"), max_length=100, required=False)
    issuer = forms.CharField(label=gettext_lazy("Issued by"), max_length=300, required=False)
    issued_on = forms.DateField(
        label=gettext_lazy("Issued on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    file = forms.FileField(label=gettext_lazy("File (PDF, JPEG, PNG or DOCX)"))

    def submit(self, owner):
        """The stored document, or None with the service's refusal on its field."""
        data = self.cleaned_data
        paper = StoredPaper(
            data["kind"], data["number"], data["issuer"], data["issued_on"], data["valid_until"]
        )
        try:
            return add_document(owner, data["file"], paper)
        except TransitionError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return None


def _own(request, pk):
    return get_object_or_404(CitizenDocument.objects.visible_to(request.user), pk=pk)


@login_required
def store(request):
    form = StoreForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.submit(request.user):
        messages.success(request, _("The document is kept in your store."))
        return redirect("dossiers:store")
    documents = CitizenDocument.objects.visible_to(request.user).order_by("-added_at", "-pk")
    status = 400 if form.errors else 200
    return render(
        request, "dossiers/store/store.html", {"form": form, "documents": documents}, status=status
    )


@login_required
def download(request, pk):
    return stored_file_response(_own(request, pk))


@require_POST
@login_required
def delete(request, pk):
    delete_document(request.user, _own(request, pk))
    messages.success(request, _("The document is deleted from your store."))
    return redirect("dossiers:store")


urlpatterns = [
    path("dossiers/mine/store/", store, name="store"),
    path("dossiers/mine/store/<int:pk>/file/", download, name="store-file"),
    path("dossiers/mine/store/<int:pk>/delete/", delete, name="store-delete"),
]


# --- the API ------------------------------------------------------------------------------


class CitizenDocumentSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CitizenDocument
        fields = [
            "id",
            "kind",
            "number",
            "issuer",
            "issued_on",
            "valid_until",
            "source",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "added_at",
            "url",
        ]

    def get_url(self, document) -> str:
        url = f"/dossiers/mine/store/{document.pk}/file/"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class MyDocumentsView(ListAPIView):
    """The caller's own stored documents, newest first."""

    serializer_class = CitizenDocumentSerializer

    def get_queryset(self):
        return CitizenDocument.objects.visible_to(self.request.user).order_by("-added_at", "-pk")


@extend_schema(responses=CitizenDocumentSerializer)
class MyDocumentView(RetrieveDestroyAPIView):
    """One of the caller's stored documents; anyone else's is a 404."""

    serializer_class = CitizenDocumentSerializer

    def get_queryset(self):
        return CitizenDocument.objects.visible_to(self.request.user)

    def perform_destroy(self, instance):
        delete_document(self.request.user, instance)


api_urlpatterns = [
    path("me/documents/", MyDocumentsView.as_view(), name="api-my-documents"),
    path("me/documents/<int:pk>/", MyDocumentView.as_view(), name="api-my-document"),
]
