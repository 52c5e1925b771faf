from django.urls import path

from reports import views_dashboard as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/data/<slug:chart>.json",
        views.dashboard_data,
        {"fmt": "json"},
        name="dashboard_data_json",
    ),
    path(
        "dashboard/data/<slug:chart>.xlsx",
        views.dashboard_data,
        {"fmt": "xlsx"},
        name="dashboard_data_xlsx",
    ),
]
