from django.urls import path

from mentoring.views import pairings as views

urlpatterns = [
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor_detail"),
    path("mentoring/cadres/<int:cadre_pk>/pairings/", views.cadre_pairings, name="cadre_pairings"),
    path("mentoring/cadres/<int:cadre_pk>/2plus1/", views.pairing_2plus1, name="pairing_2plus1"),
    path("mentoring/pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("mentoring/pairings/<int:pk>/history/", views.pairing_history, name="pairing_history"),
]
