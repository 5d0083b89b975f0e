"""Patrols and their rules (``patrols``, ``rules``) and the problems they raise (``problems``)."""

from inspections.models.patrols import Finding, Patrol, PatrolPhoto, PatrolQuerySet
from inspections.models.problems import (
    Problem,
    ProblemDeadlineRule,
    ProblemEvent,
    ProblemPhoto,
    ProblemQuerySet,
)
from inspections.models.rules import PatrolFrequency, PatrolRuleSet

__all__ = [
    "Finding",
    "Patrol",
    "PatrolFrequency",
    "PatrolPhoto",
    "PatrolQuerySet",
    "PatrolRuleSet",
    "Problem",
    "ProblemDeadlineRule",
    "ProblemEvent",
    "ProblemPhoto",
    "ProblemQuerySet",
]
