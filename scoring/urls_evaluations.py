from django.urls import path

from scoring.views import evaluations as views

urlpatterns = [
    path("", views.evaluation_round_list, name="evaluation_round_list"),
    path("new/", views.evaluation_round_create, name="evaluation_round_create"),
    path("formula/", views.evaluation_formula, name="evaluation_formula"),
    path("mine/", views.evaluation_my_tasks, name="evaluation_my_tasks"),
    path("forms/<int:pk>/", views.evaluation_form, name="evaluation_form"),
    path("<int:pk>/", views.evaluation_round_detail, name="evaluation_round_detail"),
    path("<int:pk>/edit/", views.evaluation_round_edit, name="evaluation_round_edit"),
    path("<int:pk>/open/", views.evaluation_round_open, name="evaluation_round_open"),
    path("<int:pk>/close/", views.evaluation_round_close, name="evaluation_round_close"),
    path("<int:pk>/finalise/", views.evaluation_round_finalise, name="evaluation_round_finalise"),
    path("<int:pk>/assign/", views.evaluation_assign, name="evaluation_assign"),
    path("<int:pk>/export.xlsx", views.evaluation_round_export, name="evaluation_round_export"),
    path(
        "assignments/<int:pk>/remove/",
        views.evaluation_assignment_remove,
        name="evaluation_assignment_remove",
    ),
]
