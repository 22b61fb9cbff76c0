from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.accounts.urls import account_urls
from procedures.urls import kiosk_urlpatterns

from . import views

admin.site.site_header = _("One-stop desk — back office")
admin.site.site_title = _("One-stop desk")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("procedures/", include("procedures.urls")),
    path("kiosk/", include((kiosk_urlpatterns, "kiosk"))),
    path("accounts/", include(account_urls(citizen_home="dossiers:mine"))),
    path("", include("dossiers.urls")),
    path("", include("payments.views")),
    path("", include("dashboard.urls")),
    path("reform-index/", include("reform_index.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("onestop.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
