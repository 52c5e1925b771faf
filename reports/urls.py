from django.urls import include, path  # noqa: F401

# Each part of the reports app adds its own urls module here.
urlpatterns: list = [
    path("", include("reports.urls_growth")),
]
