from django.urls import include, path

from mentoring.views import pool as views

urlpatterns = [
    path("mentors/export.xlsx", views.mentor_export, name="mentor_export"),
    path("", include("mentoring.urls_pairings")),
]
