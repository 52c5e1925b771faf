from django.urls import path

from reports import views_quarterly as views

urlpatterns = [
    path("reports/quarterly/", views.quarterly_list, name="quarterly_list"),
    path("reports/quarterly/<int:pk>/", views.quarterly_detail, name="quarterly_detail"),
    path("reports/quarterly/<int:pk>/status/", views.quarterly_status, name="quarterly_status"),
    path("reports/quarterly/<int:pk>/retry/", views.quarterly_retry, name="quarterly_retry"),
    path(
        "reports/quarterly/<int:pk>/<str:kind>/",
        views.quarterly_download,
        name="quarterly_download",
    ),
]
