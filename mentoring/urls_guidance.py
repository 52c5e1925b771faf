from django.urls import path

from mentoring.views import guidance as views

urlpatterns = [
    path("guidance/", views.guidance_list, name="guidance_list"),
    path("guidance/mentees/", views.guidance_mentees, name="guidance_mentees"),
    path("guidance/new/<int:pairing_pk>/", views.guidance_create, name="guidance_create"),
    path("guidance/<int:pk>/", views.guidance_detail, name="guidance_detail"),
    path("guidance/<int:pk>/edit/", views.guidance_edit, name="guidance_edit"),
    path("guidance/<int:pk>/respond/", views.guidance_respond, name="guidance_respond"),
    path("guidance/<int:pk>/delete/", views.guidance_delete, name="guidance_delete"),
    path("guidance/tasks/<int:pk>/", views.guidance_task_follow_up, name="guidance_task"),
]
