from .views import citizen, desk, printing

app_name = "dossiers"

urlpatterns = [
    *citizen.urlpatterns,
    *desk.urlpatterns,
    *printing.urlpatterns,
]
