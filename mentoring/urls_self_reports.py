from django.urls import path

from mentoring.views import self_reports as views

urlpatterns = [
    path("self-reports/mine/", views.self_report_mine, name="self_report_mine"),
    path("self-reports/new/", views.self_report_create, name="self_report_create"),
    path("self-reports/review/", views.self_report_queue, name="self_report_queue"),
    path("self-reports/overdue/", views.self_report_overdue, name="self_report_overdue"),
    path("self-reports/<int:pk>/", views.self_report_detail, name="self_report_detail"),
    path("self-reports/<int:pk>/edit/", views.self_report_edit, name="self_report_edit"),
    path("self-reports/<int:pk>/review/", views.self_report_review, name="self_report_review"),
    path(
        "self-reports/<int:pk>/attachment/",
        views.self_report_attachment,
        name="self_report_attachment",
    ),
    path("cadres/<int:cadre>/self-reports/", views.cadre_self_reports, name="cadre_self_reports"),
]
