from django.urls import path

from scoring.views import ledger

urlpatterns = [
    path("rules/", ledger.rule_list, name="rule_list"),
    path("rules/new/", ledger.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", ledger.rule_edit, name="rule_edit"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/export.xlsx", ledger.ledger_export, name="ledger_export"),
    path("award/", ledger.points_award, name="points_award"),
    path("award/candidates/", ledger.award_candidates, name="award_candidates"),
    path("entries/<int:pk>/reverse/", ledger.entry_reverse, name="entry_reverse"),
    path("declarations/", ledger.declaration_list, name="declaration_list"),
    path("declarations/new/", ledger.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", ledger.declaration_review, name="declaration_review"),
    path(
        "declarations/<int:pk>/evidence/",
        ledger.declaration_evidence,
        name="declaration_evidence",
    ),
]
