from django.urls import path

from mentoring.views import duties as views

urlpatterns = [
    path("duties/", views.my_duties, name="my_duties"),
    path("pairings/<int:pk>/duties/", views.pairing_duties, name="pairing_duties"),
    path("pairings/<int:pk>/duties/new/", views.duty_create, name="duty_create"),
    path("duties/<int:pk>/edit/", views.duty_edit, name="duty_edit"),
    path("duties/<int:pk>/delete/", views.duty_delete, name="duty_delete"),
    path("duties/<int:pk>/attachment/", views.duty_attachment, name="duty_attachment"),
]
