from django.urls import path

from .views import late, leaders, transparency

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", leaders.dashboard, name="dashboard"),
    path("dashboard/data.json", leaders.dashboard_data, name="data"),
    path("dashboard/late/", late.late_page, name="late"),
    path("dashboard/late.csv", late.late_file, {"kind": "csv"}, name="late-csv"),
    path("dashboard/late.xlsx", late.late_file, {"kind": "xlsx"}, name="late-xlsx"),
    path("transparency/", transparency.transparency_page, name="transparency"),
    path("transparency/data.csv", transparency.transparency_csv, name="transparency-csv"),
    path("transparency/data.json", transparency.transparency_json, name="transparency-json"),
]
