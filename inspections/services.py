"""Patrol workflows: submitting a patrol and adding its photos (both idempotently), and registering
the problems it found."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inspections import problems, tracks
from inspections.choices import FindingCategory, ProblemSource
from inspections.models import Finding, Patrol, PatrolPhoto, PatrolRuleSet
from rivers.models import ChiefAppointment
from wushui.choices import Tier
from wushui.files import save_file_and_row
from wushui.geo import to_metric

# When a chief holds several posts on one segment, the patrol counts for the lowest tier:
# that is where patrol frequency is highest and most often checked.
TIER_ORDER = [Tier.VILLAGE, Tier.STREET, Tier.DISTRICT]


@dataclass
class FindingInput:
    category: str
    note: str = ""
    location: object = None  # a Point or None
    is_problem: bool = False


def appointment_on(chief, segment_id):
    """The chief's current appointment on the segment, at their lowest tier there; None when they hold none."""
    appointments = (
        ChiefAppointment.objects.current().filter(chief=chief, segment_id=segment_id).select_related("segment")
    )
    return min(appointments, key=lambda appointment: TIER_ORDER.index(appointment.tier), default=None)


def submit_patrol(chief, *, client_uuid, segment, started_at, ended_at, track, findings=(), source):
    """Store a finished patrol with the server's own measurements and verdict.

    ``segment`` is a Segment or its id. Returns ``(patrol, created)``. A replay of the same
    ``client_uuid`` by the same chief returns the stored patrol, also when two copies race: the
    database's unique constraint decides, and the loser reads the winner's row. (Callers that
    expect replays look the UUID up first and skip the measuring.)
    """
    appointment = appointment_on(chief, getattr(segment, "pk", segment))
    if appointment is None:
        raise ValidationError({"segment": _("You are not a current chief of this segment.")})
    segment, tier = appointment.segment, appointment.tier
    tracks.check_period(track, started_at, ended_at)
    rules = PatrolRuleSet.current().as_dict(segment_length_m=segment.length_m)
    verdict = tracks.judge(track, segment, started_at, ended_at, rules)
    check_findings_near(findings, segment, rules["max_distance_from_segment_m"])
    measurement = verdict.measurement
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                client_uuid=client_uuid,
                chief=chief,
                segment=segment,
                tier=tier,
                source=source,
                started_at=started_at,
                ended_at=ended_at,
                track=track.line,
                track_times=track.texts,
                distance_m=measurement.distance_m,
                max_speed_kmh=measurement.max_speed_kmh,
                coverage=measurement.coverage,
                is_valid=verdict.is_valid,
                invalid_reasons=verdict.reasons,
                rules=rules,
            )
            # Kept on the object: the answer to the phone lists them without reading them back.
            patrol.recorded_findings = [record_finding(patrol, finding) for finding in findings]
    except IntegrityError:
        existing = Patrol.objects.filter(chief=chief, client_uuid=client_uuid).first()
        if existing is None:
            raise
        return existing, False
    return patrol, True


def add_patrol_photo(patrol, *, image, finding=None, client_key=""):
    """Store a photo taken on ``patrol`` (of one of its findings, or of none). Returns ``(photo, created)``.

    A photo sent again with the same ``client_key`` returns the stored one, also when two copies race:
    the database's unique constraint decides, and the loser reads the winner's row. A photo that is
    not stored, for whatever reason, leaves no file behind.
    """
    if client_key:
        stored = patrol.photos.filter(client_key=client_key).first()
        if stored is not None:
            return stored, False
    photo = PatrolPhoto(patrol=patrol, finding=finding, client_key=client_key)
    return save_file_and_row(photo, "image", image, patrol.photos, client_key)


def check_findings_near(findings, segment, max_distance_m):
    """A finding lies on or by the patrolled segment: one placed farther than a track may stray is a
    mistake (a pin dropped on the wrong river), refused with the finding named."""
    located = [(index, finding.location) for index, finding in enumerate(findings) if finding.location is not None]
    if not located:
        return
    line = to_metric(segment.geometry)
    for index, location in located:
        distance = line.distance(to_metric(location))
        if distance > max_distance_m:
            raise ValidationError(
                {
                    "findings": _("Finding %(number)s lies %(distance)s m from the segment (at most %(max)s m).")
                    % {"number": index + 1, "distance": f"{distance:.0f}", "max": max_distance_m}
                }
            )


def record_finding(patrol, finding):
    """Store a finding of ``patrol``; one marked as a problem registers it (source: patrol), through
    the one registration every source uses."""
    problem = None
    if finding.is_problem:
        problem = problems.register_problem(
            source=ProblemSource.PATROL,
            segment=patrol.segment,
            category=finding.category,
            description=finding.note or str(FindingCategory.label(finding.category)),
            location=finding.location,
            reported_by=patrol.chief,
        )
    return Finding.objects.create(
        patrol=patrol, category=finding.category, note=finding.note, location=finding.location, problem=problem
    )
