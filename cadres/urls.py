from django.urls import path

from cadres import views

urlpatterns = [
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export.xlsx", views.cadre_export, name="cadre_export"),
    path("cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/photo/", views.cadre_photo, name="cadre_photo"),
    path("cadres/<int:pk>/positions/", views.position_add, name="position_add"),
    path("cadres/<int:pk>/rewards/", views.reward_add, name="reward_add"),
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/export.xlsx", views.unit_export, name="unit_export"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/rules/", views.programme_rules, name="programme_rules"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/candidates/", views.cohort_candidates, name="cohort_candidates"),
    path("enrolments/<int:pk>/end/", views.enrolment_end, name="enrolment_end"),
]
