from .views import citizen, desk, digitisation, printing, rating_device, results, store

app_name = "dossiers"

urlpatterns = [
    *store.urlpatterns,
    *results.urlpatterns,
    *citizen.urlpatterns,
    *desk.urlpatterns,
    *digitisation.urlpatterns,
    *printing.urlpatterns,
    *rating_device.urlpatterns,
]
