from django.urls import path

from training.views import postings as views

urlpatterns = [
    path("training/task-forces/", views.task_force_list, name="task_force_list"),
    path("training/task-forces/new/", views.task_force_create, name="task_force_create"),
    path("training/task-forces/<int:pk>/", views.task_force_detail, name="task_force_detail"),
    path("training/task-forces/<int:pk>/edit/", views.task_force_edit, name="task_force_edit"),
    path(
        "training/task-forces/<int:pk>/members/",
        views.task_force_member_add,
        name="task_force_member_add",
    ),
    path("training/postings/", views.posting_list, name="posting_list"),
    path("training/postings/new/", views.posting_create, name="posting_create"),
    path("training/postings/mine/", views.my_postings, name="my_postings"),
    path("training/postings/<int:pk>/", views.posting_detail, name="posting_detail"),
    path("training/postings/<int:pk>/edit/", views.posting_edit, name="posting_edit"),
    path("training/postings/<int:pk>/assess/", views.posting_assess, name="posting_assess"),
    path(
        "training/postings/<int:pk>/reports/<int:year>-<int:month>/",
        views.monthly_report_create,
        name="monthly_report_create",
    ),
    path(
        "training/monthly-reports/pending/",
        views.monthly_report_pending,
        name="monthly_report_pending",
    ),
    path(
        "training/monthly-reports/overdue/",
        views.monthly_report_overdue,
        name="monthly_report_overdue",
    ),
    path(
        "training/monthly-reports/<int:pk>/",
        views.monthly_report_detail,
        name="monthly_report_detail",
    ),
    path(
        "training/monthly-reports/<int:pk>/edit/",
        views.monthly_report_edit,
        name="monthly_report_edit",
    ),
    path(
        "training/monthly-reports/<int:pk>/review/",
        views.monthly_report_review,
        name="monthly_report_review",
    ),
    path(
        "training/monthly-reports/<int:pk>/attachment/",
        views.monthly_report_attachment,
        name="monthly_report_attachment",
    ),
]
