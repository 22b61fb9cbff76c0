from django.urls import path

from . import views_dashboard as views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data.json", views.dashboard_data, name="data"),
    path("transparency/", views.transparency_page, name="transparency"),
    path("transparency/data.csv", views.transparency_csv, name="transparency-csv"),
    path("transparency/data.json", views.transparency_json, name="transparency-json"),
]
