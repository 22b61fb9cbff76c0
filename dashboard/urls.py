from django.urls import path

from .views import leaders, transparency

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", leaders.dashboard, name="dashboard"),
    path("dashboard/data.json", leaders.dashboard_data, name="data"),
    path("transparency/", transparency.transparency_page, name="transparency"),
    path("transparency/data.csv", transparency.transparency_csv, name="transparency-csv"),
    path("transparency/data.json", transparency.transparency_json, name="transparency-json"),
]
