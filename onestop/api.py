"""The /api/v1/ tree: every app's endpoints assembled in one place."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from core.api import DeadlinePreviewView, TokenView

router = DefaultRouter()

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("calendar/deadline/", DeadlinePreviewView.as_view(), name="api-deadline"),
    *router.urls,
]
