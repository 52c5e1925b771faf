from django.urls import include, path

# Each part of the reports app adds its own urls module here.
urlpatterns: list = [
    path("", include("reports.urls_growth")),
    path("", include("reports.urls_dashboard")),
    path("", include("reports.urls_quarterly")),
    path("", include("reports.urls_pdf")),
]
