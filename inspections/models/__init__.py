"""Patrols and their rules (``patrols``, ``rules``), the problems they raise (``problems``), and what a
report from the public adds to its problem (``public``)."""

from inspections.models.patrols import Finding, Patrol, PatrolPhoto, PatrolQuerySet
from inspections.models.problems import (
    Problem,
    ProblemAlert,
    ProblemDeadlineRule,
    ProblemEvent,
    ProblemPhoto,
    ProblemQuerySet,
)
from inspections.models.public import Open311Client, PublicPhoto, PublicReport, PublicReportQuerySet
from inspections.models.rules import PatrolFrequency, PatrolRuleSet

__all__ = [
    "Finding",
    "Open311Client",
    "Patrol",
    "PatrolFrequency",
    "PatrolPhoto",
    "PatrolQuerySet",
    "PatrolRuleSet",
    "Problem",
    "ProblemAlert",
    "ProblemDeadlineRule",
    "ProblemEvent",
    "ProblemPhoto",
    "ProblemQuerySet",
    "PublicPhoto",
    "PublicReport",
    "PublicReportQuerySet",
]
