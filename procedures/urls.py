from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<path:code>/forms/<int:document_id>/", views.form_download, name="form"),
    # Codes carry dots and province suffixes (1.012753.H19); <path:> also takes any "/" an
    # imported code may hold, so no stored code can break a link.
    path("<path:code>/", views.procedure_detail, name="detail"),
]

# Mounted at /kiosk/ under the "kiosk" namespace by the root URLconf.
kiosk_urlpatterns = [
    path("", views.kiosk_home, name="home"),
    path("fields/<slug:code>/", views.kiosk_field, name="field"),
    path("procedures/<path:code>/", views.kiosk_procedure, name="procedure"),
]
