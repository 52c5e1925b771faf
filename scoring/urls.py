from django.urls import include, path

urlpatterns = [
    path("points/", include("scoring.urls_points")),
    path("points/", include("scoring.urls_mypoints")),
    path("evaluations/", include("scoring.urls_evaluations")),
    path("periods/", include("scoring.urls_periods")),
]
