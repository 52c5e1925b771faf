from django.urls import path

from training.views import collective as views

urlpatterns = [
    path("training/collective/", views.collective_list, name="collective_list"),
    path("training/collective/export/", views.collective_export, name="collective_export"),
    path("training/collective/new/", views.collective_create, name="collective_create"),
    path("training/collective/<int:pk>/", views.collective_detail, name="collective_detail"),
    path("training/collective/<int:pk>/edit/", views.collective_edit, name="collective_edit"),
    path(
        "training/collective/<int:pk>/participants/",
        views.collective_participants_add,
        name="collective_participants_add",
    ),
    path(
        "training/collective/<int:pk>/participants/<int:participation>/remove/",
        views.collective_participant_remove,
        name="collective_participant_remove",
    ),
    path(
        "training/collective/<int:pk>/candidates/",
        views.collective_candidates,
        name="collective_candidates",
    ),
]
