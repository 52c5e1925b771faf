"""Training measures (培养举措): classes and study trips, forums, practice postings, research,
written output, collective activities and the training fund. Each fact recorded here is
reported to the points service (see `training/events.py`)."""

from training.models.activities import Activity, Feedback, Participant, TripReport, new_secret
from training.models.collective import CollectiveActivity, CollectiveParticipation
from training.models.forums import Forum, ForumAttendee, ForumCriterion, ForumScore, ForumSpeaker
from training.models.fund import Budget, Spending
from training.models.postings import MonthlyReport, Posting, TaskForce
from training.models.research import (
    Defense,
    DefenseCriterion,
    DefenseScore,
    Milestone,
    ResearchMember,
    ResearchTopic,
)
from training.models.writing import Writing

__all__ = [
    "Activity",
    "Budget",
    "CollectiveActivity",
    "CollectiveParticipation",
    "Defense",
    "DefenseCriterion",
    "DefenseScore",
    "Feedback",
    "Forum",
    "ForumAttendee",
    "ForumCriterion",
    "ForumScore",
    "ForumSpeaker",
    "Milestone",
    "MonthlyReport",
    "Participant",
    "Posting",
    "ResearchMember",
    "ResearchTopic",
    "Spending",
    "TaskForce",
    "TripReport",
    "Writing",
    "new_secret",
]
