from django.urls import path

from mentoring import views

urlpatterns = [
    path("mentors/export.xlsx", views.mentor_export, name="mentor_export"),
]
