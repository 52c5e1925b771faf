from django.urls import include, path

from mentoring.views import pool as views

urlpatterns = [
    path("", include("mentoring.urls_guidance")),
    path("mentors/export.xlsx", views.mentor_export, name="mentor_export"),
    path("mentoring/", include("mentoring.urls_talks")),
    path("mentoring/", include("mentoring.urls_compliance")),
    path("mentoring/", include("mentoring.urls_self_reports")),
    path("mentoring/", include("mentoring.urls_duties")),
    path("", include("mentoring.urls_pairings")),
]
