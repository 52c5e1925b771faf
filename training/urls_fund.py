"""Training fund, study-trip reports and the training calendar."""

from django.urls import path

from training.views import calendar, fund, trip_reports

urlpatterns = [
    path("training/calendar/", calendar.training_calendar, name="training_calendar"),
    path("training/fund/", fund.fund, name="fund"),
    path("training/fund/budgets/new/", fund.budget_create, name="budget_create"),
    path("training/fund/budgets/<int:pk>/edit/", fund.budget_edit, name="budget_edit"),
    path("training/fund/spendings/new/", fund.spending_create, name="spending_create"),
    path("training/fund/spendings/<int:pk>/edit/", fund.spending_edit, name="spending_edit"),
    path("training/fund/spendings/<int:pk>/delete/", fund.spending_delete, name="spending_delete"),
    path(
        "training/<int:pk>/trip-report/",
        trip_reports.trip_report_upload,
        name="trip_report_upload",
    ),
    path(
        "training/trip-reports/<int:pk>/download/",
        trip_reports.trip_report_download,
        name="trip_report_download",
    ),
]
