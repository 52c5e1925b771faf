from django.urls import path

from mentoring.views import talks as views

urlpatterns = [
    path("talks/new/", views.talk_create, name="talk_create"),
    path("talks/<int:pk>/edit/", views.talk_edit, name="talk_edit"),
    path("talks/overdue/", views.overdue_talks, name="overdue_talks"),
    path("cadres/<int:cadre>/talks/", views.cadre_talks, name="cadre_talks"),
]
