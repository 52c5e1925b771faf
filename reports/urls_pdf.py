from django.urls import path

from reports import views_growth_pdf as views

urlpatterns = [
    path("cadres/<int:pk>/growth/pdf/", views.growth_record_pdf, name="growth_record_pdf"),
    path("growth/exports/", views.growth_export_list, name="growth_export_list"),
    path("growth/exports/new/", views.growth_export_new, name="growth_export_new"),
    path("growth/exports/<int:pk>/", views.growth_export_detail, name="growth_export_detail"),
    path(
        "growth/exports/<int:pk>/status/", views.growth_export_status, name="growth_export_status"
    ),
    path(
        "growth/exports/<int:pk>/download/",
        views.growth_export_download,
        name="growth_export_download",
    ),
]
