from django.urls import path

from training.views import research as views

urlpatterns = [
    path("research/", views.topic_list, name="research_topic_list"),
    path("research/export/", views.topic_export, name="research_topic_export"),
    path("research/new/", views.topic_create, name="research_topic_create"),
    path("research/<int:pk>/", views.topic_detail, name="research_topic_detail"),
    path("research/<int:pk>/edit/", views.topic_edit, name="research_topic_edit"),
    path("research/<int:pk>/candidates/", views.member_candidates, name="research_candidates"),
    path("research/<int:pk>/members/add/", views.member_add, name="research_member_add"),
    path(
        "research/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="research_member_remove",
    ),
    path(
        "research/<int:pk>/members/<int:member_pk>/leader/",
        views.leader_set,
        name="research_leader_set",
    ),
    path("research/<int:pk>/milestones/add/", views.milestone_add, name="research_milestone_add"),
    path(
        "research/<int:pk>/milestones/<int:milestone_pk>/done/",
        views.milestone_done,
        name="research_milestone_done",
    ),
    path("research/<int:pk>/report/", views.report_upload, name="research_report_upload"),
    path(
        "research/<int:pk>/report/download/",
        views.report_download,
        name="research_report_download",
    ),
    path("research/defenses/", views.defense_list, name="defense_list"),
    path("research/defenses/new/", views.defense_create, name="defense_create"),
    path("research/defenses/<int:pk>/", views.defense_detail, name="defense_detail"),
    path("research/defenses/<int:pk>/edit/", views.defense_edit, name="defense_edit"),
    path("research/defenses/<int:pk>/topics/", views.defense_topics, name="defense_topics"),
    path("research/defenses/<int:pk>/criteria/", views.defense_criteria, name="defense_criteria"),
    path("research/defenses/<int:pk>/judges/", views.defense_judges, name="defense_judges"),
    path("research/defenses/<int:pk>/score/", views.defense_score, name="defense_score"),
    path("research/defenses/<int:pk>/results/", views.defense_results, name="defense_results"),
    path(
        "research/defenses/<int:pk>/results/export/",
        views.defense_results_export,
        name="defense_results_export",
    ),
    path("research/defenses/<int:pk>/publish/", views.defense_publish, name="defense_publish"),
    path(
        "research/defenses/<int:pk>/unpublish/", views.defense_unpublish, name="defense_unpublish"
    ),
]
