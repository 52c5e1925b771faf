from django.urls import path

from scoring.views import points

urlpatterns = [
    path("mine/", points.my_points, name="my_points"),
    path("cadres/<int:pk>/", points.cadre_points, name="cadre_points"),
    path("standings/", points.standings_page, name="standings"),
    path("standings/export.xlsx", points.standings_export, name="standings_export"),
]
