"""Dynamic points: the ledger (rules, entries, declarations), evaluations, and periods with
their publication, objections and low-score follow-ups."""

from scoring.models.evaluations import (
    EvaluationAssignment,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
)
from scoring.models.ledger import (
    AppendOnlyQuerySet,
    Declaration,
    PointEntry,
    PointRule,
    evidence_upload_to,
)
from scoring.models.periods import FollowUp, Objection, PeriodStanding, ScoringPeriod

__all__ = [
    "AppendOnlyQuerySet",
    "Declaration",
    "EvaluationAssignment",
    "EvaluationResult",
    "EvaluationRound",
    "EvaluationScore",
    "FollowUp",
    "Objection",
    "PeriodStanding",
    "PointEntry",
    "PointRule",
    "ScoringPeriod",
    "evidence_upload_to",
]
