from django.urls import include, path

from training.views import activities as views

urlpatterns = [
    path("", include("training.urls_fund")),
    path("training/", views.activity_list, name="activity_list"),
    path("training/new/", views.activity_create, name="activity_create"),
    path("training/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("training/<int:pk>/feedback/", views.activity_feedback, name="activity_feedback"),
    path("training/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("training/<int:pk>/invite/", views.activity_invite, name="activity_invite"),
    path("training/<int:pk>/candidates/", views.activity_candidates, name="activity_candidates"),
    path("training/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("training/<int:pk>/qr/", views.activity_qr, name="activity_qr"),
    path("training/<int:pk>/qr/code/", views.activity_qr_code, name="activity_qr_code"),
    path("training/<int:pk>/signin/<str:code>/", views.activity_signin, name="activity_signin"),
    path("", include("training.urls_research")),
    path("", include("training.urls_forums")),
    path("", include("training.urls_writing")),
    path("", include("training.urls_collective")),
    path("", include("training.urls_postings")),
]
