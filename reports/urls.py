from django.urls import include, path

# Each part of the reports app adds its own urls module here.
urlpatterns: list = [
    path("", include("reports.urls_pdf")),
]
