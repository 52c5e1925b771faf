from django.urls import path

from scoring.views import periods as views

urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("new/", views.period_create, name="period_create"),
    path("<int:pk>/", views.period_detail, name="period_detail"),
    path("<int:pk>/export.xlsx", views.period_export, name="period_export"),
    path("<int:pk>/publish/", views.period_publish, name="period_publish"),
    path("<int:pk>/refresh/", views.period_refresh, name="period_refresh"),
    path("<int:pk>/close/", views.period_close, name="period_close"),
    path("<int:pk>/objections/new/", views.objection_new, name="objection_new"),
    path("objections/<int:pk>/", views.objection_answer, name="objection_answer"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up_detail"),
]
