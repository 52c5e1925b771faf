from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from cadres import api as cadres_api
from core.api.auth import TokenView
from core.api.notifications import NotificationViewSet
from mentoring import api_pairings as mentoring_pairings_api
from mentoring.api_duties import DutyRecordViewSet, PairingDutiesView
from mentoring.api_guidance import GuidanceLogViewSet
from mentoring.api_self_reports import SelfReportViewSet
from mentoring.api_talks import TalkViewSet
from reports.api_growth import GrowthRecordView
from reports.api_growth_exports import GrowthExportViewSet
from reports.api_quarterly import QuarterlyReportViewSet
from scoring import api as scoring_api
from scoring.api_evaluations import EvaluationRoundViewSet
from training import api as training_api
from training import api_fund as training_fund_api
from training import api_postings, api_research
from training.api_collective import CollectiveActivityViewSet
from training.api_forums import ForumViewSet
from training.api_writing import WritingViewSet

router = DefaultRouter()
router.register("growth-exports", GrowthExportViewSet, basename="growth-export")
router.register("units", cadres_api.UnitViewSet, basename="unit")
router.register("cadres", cadres_api.CadreViewSet, basename="cadre")
router.register("programmes", cadres_api.ProgrammeViewSet, basename="programme")
router.register("cohorts", cadres_api.CohortViewSet, basename="cohort")
router.register("enrolments", cadres_api.EnrolmentViewSet, basename="enrolment")
router.register("point-rules", scoring_api.PointRuleViewSet, basename="point-rule")
router.register("point-entries", scoring_api.PointEntryViewSet, basename="point-entry")
router.register("evaluation-rounds", EvaluationRoundViewSet, basename="evaluation-round")
router.register("activities", training_api.ActivityViewSet, basename="activity")
router.register("budgets", training_fund_api.BudgetViewSet, basename="budget")
router.register("spendings", training_fund_api.SpendingViewSet, basename="spending")
router.register("research-topics", api_research.ResearchTopicViewSet, basename="research-topic")
router.register("defenses", api_research.DefenseViewSet, basename="defense")
router.register("forums", ForumViewSet, basename="forum")
router.register("writings", WritingViewSet, basename="writing")
router.register("collective-activities", CollectiveActivityViewSet, basename="collective-activity")
router.register("task-forces", api_postings.TaskForceViewSet, basename="task-force")
router.register("postings", api_postings.PostingViewSet, basename="posting")
router.register("monthly-reports", api_postings.MonthlyReportViewSet, basename="monthly-report")
router.register("guidance-logs", GuidanceLogViewSet, basename="guidance-log")
router.register("talks", TalkViewSet, basename="talk")
router.register("self-reports", SelfReportViewSet, basename="self-report")
router.register("duty-records", DutyRecordViewSet, basename="duty-record")
router.register("mentors", mentoring_pairings_api.MentorViewSet, basename="mentor")
router.register("pairings", mentoring_pairings_api.PairingViewSet, basename="pairing")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("scoring-periods", scoring_api.ScoringPeriodViewSet, basename="scoring-period")
router.register("quarterly-reports", QuarterlyReportViewSet, basename="quarterly-report")

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="api_token"),
    path("v1/standings/", scoring_api.StandingsView.as_view(), name="standings"),
    path("v1/cadres/<int:pk>/growth-record/", GrowthRecordView.as_view(), name="growth_record_api"),
    path("v1/pairings/<int:pk>/duties/", PairingDutiesView.as_view(), name="pairing_duties_api"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
