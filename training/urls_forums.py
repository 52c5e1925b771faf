from django.urls import path

from training.views import forums as views

urlpatterns = [
    path("forums/", views.forum_list, name="forum_list"),
    path("forums/export/", views.forum_export, name="forum_export"),
    path("forums/new/", views.forum_create, name="forum_create"),
    path("forums/scoring/", views.my_scoring, name="forum_my_scoring"),
    path("forums/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("forums/<int:pk>/edit/", views.forum_edit, name="forum_edit"),
    path("forums/<int:pk>/speakers/", views.speaker_add, name="forum_speaker_add"),
    path(
        "forums/<int:pk>/speakers/<int:speaker_pk>/remove/",
        views.speaker_remove,
        name="forum_speaker_remove",
    ),
    path("forums/<int:pk>/attendees/", views.attendee_add, name="forum_attendee_add"),
    path(
        "forums/<int:pk>/attendees/<int:attendee_pk>/remove/",
        views.attendee_remove,
        name="forum_attendee_remove",
    ),
    path(
        "forums/<int:pk>/attendees/confirm/",
        views.attendees_confirm,
        name="forum_attendees_confirm",
    ),
    path("forums/<int:pk>/candidates/", views.forum_candidates, name="forum_candidates"),
    path("forums/<int:pk>/criteria/", views.forum_criteria, name="forum_criteria"),
    path("forums/<int:pk>/judges/", views.forum_judges, name="forum_judges"),
    path("forums/<int:pk>/score/", views.forum_score, name="forum_score"),
    path("forums/<int:pk>/results/", views.forum_results, name="forum_results"),
    path(
        "forums/<int:pk>/results/export/",
        views.forum_results_export,
        name="forum_results_export",
    ),
    path("forums/<int:pk>/publish/", views.forum_publish, name="forum_publish"),
    path("forums/<int:pk>/unpublish/", views.forum_unpublish, name="forum_unpublish"),
]
