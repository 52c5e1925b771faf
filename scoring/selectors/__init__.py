"""Read-side queries of points, each starting from the cadres scoping door."""

from scoring.selectors.evaluations import (
    assignments_of,
    group_means,
    results_visible_to,
    round_cadre_progress,
    round_list,
    round_progress,
    round_results,
    rounds_managed_by,
    rounds_visible_to,
)
from scoring.selectors.ledger import entries_visible_to, points_total, published_periods_for
from scoring.selectors.periods import (
    follow_ups_visible_to,
    objections_visible_to,
    own_standings,
    period_list,
    periods_managed_by,
    periods_visible_to,
    published_table,
)
from scoring.selectors.standings import Standing, previous_period, standings, standings_of

__all__ = [
    "Standing",
    "assignments_of",
    "entries_visible_to",
    "follow_ups_visible_to",
    "group_means",
    "objections_visible_to",
    "own_standings",
    "period_list",
    "periods_managed_by",
    "periods_visible_to",
    "points_total",
    "previous_period",
    "published_periods_for",
    "published_table",
    "results_visible_to",
    "round_cadre_progress",
    "round_list",
    "round_progress",
    "round_results",
    "rounds_managed_by",
    "rounds_visible_to",
    "standings",
    "standings_of",
]
