from .views import accounts, citizen, desk, printing

app_name = "dossiers"

urlpatterns = [
    *accounts.urlpatterns,
    *citizen.urlpatterns,
    *desk.urlpatterns,
    *printing.urlpatterns,
]
