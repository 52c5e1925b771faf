from django.urls import path

from training.views import writing as views

urlpatterns = [
    path("training/writing/", views.writing_list, name="writing_list"),
    path("training/writing/export/", views.writing_export, name="writing_export"),
    path("training/writing/mine/", views.writing_mine, name="writing_mine"),
    path("training/writing/review/", views.writing_queue, name="writing_queue"),
    path("training/writing/new/", views.writing_create, name="writing_create"),
    path("training/writing/<int:pk>/", views.writing_detail, name="writing_detail"),
    path("training/writing/<int:pk>/edit/", views.writing_edit, name="writing_edit"),
    path("training/writing/<int:pk>/withdraw/", views.writing_withdraw, name="writing_withdraw"),
    path("training/writing/<int:pk>/verify/", views.writing_verify, name="writing_verify"),
    path("training/writing/<int:pk>/return/", views.writing_return, name="writing_return"),
    path("training/writing/<int:pk>/evidence/", views.writing_evidence, name="writing_evidence"),
]
