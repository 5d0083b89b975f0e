"""Problem services: :func:`register_problem`, which every source uses, and one function per
transition of ``inspections.workflow.TRANSITIONS`` (``assign``, ``accept``, … ``urge``).

Every change of state is one transaction: a conditional UPDATE of the problem on the version it was
read at (of two transitions racing on one problem, only one finds its row; the other raises
:class:`TransitionConflict`), its timeline entry, and the photos it brought. A photo whose row is not
stored leaves no file behind. A transition the user may not make raises ``PermissionDenied`` with the
reason (403: the caller has already answered 404 outside the view scope); bad input raises
``ValidationError`` naming the field, before anything is written.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import workflow
from inspections.choices import CloseReason, PhotoStage, ProblemLevel, ProblemSource, ProblemStatus, ProblemUrgency
from inspections.choices import ProblemCategory as Category
from inspections.models import Problem, ProblemDeadlineRule, ProblemEvent, ProblemPhoto
from rivers.choices import ChiefRole
from rivers.models import ChiefAppointment
from wushui.choices import RegionLevel
from wushui.geo import to_metric, validate_geometry
from wushui.images import check_photos
from wushui.models import Unit

# A problem's point lies by its segment: a pin farther away is on another river.
MAX_DISTANCE_FROM_SEGMENT_M = 1000
MAX_PHOTOS = 10
MAX_TEXT = 4000
# An assigner's deadline lies in the future and within a year.
LONGEST_DEADLINE = datetime.timedelta(days=365)

LEVEL_OF_REGION = {
    RegionLevel.VILLAGE: ProblemLevel.VILLAGE,
    RegionLevel.STREET: ProblemLevel.STREET,
    RegionLevel.DISTRICT: ProblemLevel.DISTRICT,
}


class TransitionConflict(Exception):
    """Another transition changed the problem after it was read: nothing was written (409)."""

    def __init__(self, message=None):
        super().__init__(message or _("The problem was changed meanwhile; reload it and try again."))


# --- Registering --------------------------------------------------------------------------------------


def register_problem(
    *,
    source,
    segment,
    category,
    description,
    location=None,
    urgency=ProblemUrgency.NORMAL,
    reported_by=None,
    photos=(),
    registered_at=None,
    rules=None,
):
    """Register a problem from any source; returns the :class:`Problem`, registered (登记) at the level of
    its segment's region, with its deadlines, its first timeline entry and its photos from before.

    - ``source``: a ``ProblemSource`` value (``PATROL`` from a patrol finding, ``PUBLIC`` from the
      public pages, ``SUPERVISION``, ``HOTLINE``, ``ASSIGNMENT`` from above, ``SYSTEM`` alerts).
    - ``segment``: the ``Segment`` (the caller has checked the reporter may report on it; public pages
      take it from the signboard).
    - ``category``: a ``ProblemCategory`` value; ``description``: what is wrong (at most 4,000 characters).
    - ``location``: a ``Point`` (EPSG:4326) within 1 km of the segment, or None.
    - ``urgency``: a ``ProblemUrgency`` value; with the source it sets the deadlines
      (``ProblemDeadlineRule``).
    - ``reported_by``: the signed-in ``User`` who reports, or None (the public, the system). The
      reporter's contact is not the problem's: the public side keeps it in its own rows.
    - ``photos``: uploaded images (JPEG, PNG, WebP; at most 10), stored as photos before the work.
    - ``registered_at``: when it was registered, now by default (a replayed report keeps its time).
    - ``rules``: the deadline rules to apply (``ProblemDeadlineRule.rules()`` by default; a caller
      registering many problems reads them once).

    Raises ``ValidationError`` naming the field; nothing is stored then, no row and no file.
    """
    errors = {}
    if source not in ProblemSource.values():
        errors["source"] = _("Unknown source %(value)r.") % {"value": source}
    if category not in Category.values():
        errors["category"] = _("Unknown category %(value)r.") % {"value": category}
    if urgency not in ProblemUrgency.values():
        errors["urgency"] = _("Unknown urgency %(value)r.") % {"value": urgency}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Say what the problem is.")
    elif len(description) > MAX_TEXT or "\x00" in description:
        errors["description"] = _("At most %(max)s characters of text.") % {"max": MAX_TEXT}
    if location is not None:
        message = _location_error(location, segment)
        if message:
            errors["location"] = message
    photo_error = _photos_error(photos)
    if photo_error:
        errors["photos"] = photo_error
    if errors:
        raise ValidationError(errors)
    registered_at = registered_at or timezone.now()
    response_due, completion_due = ProblemDeadlineRule.deadlines(source, urgency, registered_at, rules)
    region = segment.region
    level = LEVEL_OF_REGION.get(region.level, ProblemLevel.VILLAGE)
    street_id = {RegionLevel.VILLAGE: region.parent_id, RegionLevel.STREET: region.pk}.get(region.level)
    with _files_kept_only_on_success() as written, transaction.atomic():
        problem = Problem.objects.create(
            segment=segment,
            street_id=street_id,
            category=category,
            description=description,
            location=location,
            source=source,
            urgency=urgency,
            level=level,
            reported_by=reported_by,
            created_at=registered_at,
            response_due=response_due,
            completion_due=completion_due,
        )
        event = ProblemEvent.objects.create(
            problem=problem,
            transition=workflow.REGISTER,
            actor=reported_by,
            at=registered_at,
            from_status="",
            to_status=ProblemStatus.REGISTERED,
            details={"source": source, "level": level},
        )
        _store_photos(problem, event, photos, PhotoStage.BEFORE, written)
    return problem


def _location_error(location, segment):
    if getattr(location, "geom_type", None) != "Point":
        return _("Give the location as a point.")
    error = validate_geometry(location)
    if error:
        return error
    distance = to_metric(segment.geometry).distance(to_metric(location))
    if distance > MAX_DISTANCE_FROM_SEGMENT_M:
        return _("The location lies %(distance)s m from the segment (at most %(max)s m).") % {
            "distance": f"{distance:.0f}",
            "max": MAX_DISTANCE_FROM_SEGMENT_M,
        }
    return None


def _photos_error(photos, required=False):
    if required and not photos:
        return _("Add at least one photo of the result.")
    if len(photos) > MAX_PHOTOS:
        return _("At most %(max)s photos.") % {"max": MAX_PHOTOS}
    try:
        check_photos(photos)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


class _files_kept_only_on_success:
    """Collects the names of files written inside; deletes them if the block fails (the rows that
    would have held them were rolled back)."""

    def __enter__(self):
        self.written = []
        return self.written

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            for field_file in self.written:
                field_file.delete(save=False)
        return False


def _store_photos(problem, event, photos, stage, written):
    for image in photos:
        name = getattr(image, "name", "") or "photo.jpg"
        content = image if isinstance(image, File) else File(image, name=name)
        photo = ProblemPhoto(problem=problem, event=event, stage=stage)
        photo.image.save(name, content, save=False)
        written.append(photo.image)
        photo.save()


# --- Transitions --------------------------------------------------------------------------------------


def _text(value, field, required=False):
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > MAX_TEXT or "\x00" in value:
        raise ValidationError({field: _("At most %(max)s characters of text.") % {"max": MAX_TEXT}})
    return value


def check_allowed(user, problem, name, now=None):
    """Raises ``PermissionDenied`` with the reason unless ``user`` may make ``name`` on ``problem`` now
    (as the database has it); ``TransitionConflict`` when it changed since ``problem`` was read."""
    now = now or timezone.now()
    condition = workflow.transition_q(user, name, now)
    if condition is not None and Problem.objects.restrict(user).filter(condition, pk=problem.pk).exists():
        return
    current = Problem.objects.filter(pk=problem.pk).first()
    if current is not None and current.version != problem.version:
        raise TransitionConflict()
    raise PermissionDenied(workflow.refusal(user, current or problem, name, now))


def _apply(problem, user, name, *, now, changes=None, note="", details=None, photos=(), stage=None, target=None):
    """The transition's write: the conditional UPDATE, the timeline entry and the photos, in one
    transaction. Returns the problem as it now is."""
    spec = workflow.TRANSITIONS[name]
    target = target or spec.target or problem.status
    changes = dict(changes or {})
    with _files_kept_only_on_success() as written, transaction.atomic():
        updated = Problem.objects.filter(pk=problem.pk, version=problem.version, status=problem.status).update(
            status=target, version=F("version") + 1, **changes
        )
        if updated != 1:
            raise TransitionConflict()
        event = ProblemEvent.objects.create(
            problem=problem,
            transition=name,
            actor=user,
            at=now,
            from_status=problem.status,
            to_status=target,
            note=note,
            details=details or {},
        )
        if photos:
            _store_photos(problem, event, photos, stage, written)
    problem.refresh_from_db()
    return problem


def assign(problem, user, *, assignee_unit=None, assignee_chief=None, due=None, note="", now=None):
    """Assign (交办) to a unit or to a chief of a lower tier on the problem's segment, with a completion
    deadline (the rules' one by default; an aware datetime or a date, then the end of that day)."""
    now = now or timezone.now()
    check_allowed(user, problem, "assign", now)
    note = _text(note, "note")
    if (assignee_unit is None) == (assignee_chief is None):
        raise ValidationError({"assignee_unit": _("Assign to one unit or to one chief.")})
    if assignee_unit is not None and not Unit.objects.restrict(user).filter(pk=assignee_unit.pk).exists():
        raise ValidationError({"assignee_unit": _("Choose a unit you can see.")})
    if assignee_chief is not None and assignee_chief.pk not in {c.pk for c in assignable_chiefs(user, problem)}:
        raise ValidationError({"assignee_chief": _("Choose a current chief of this segment at a tier below yours.")})
    due = _deadline(due, now) if due is not None else problem.completion_due
    if due is None or due <= now:
        due = ProblemDeadlineRule.deadlines(problem.source, problem.urgency, now)[1]
    details = {
        "assignee_unit": assignee_unit.pk if assignee_unit else None,
        "assignee_chief": assignee_chief.pk if assignee_chief else None,
        "assignee": str(assignee_unit or assignee_chief),
        "due": due.isoformat() if due else None,
    }
    return _apply(
        problem,
        user,
        "assign",
        now=now,
        note=note,
        details=details,
        changes={
            "assignee_unit": assignee_unit,
            "assignee_chief": assignee_chief,
            "assigned_by": user,
            "assigned_at": now,
            "completion_due": due,
        },
    )


def _deadline(due, now):
    from wushui import periods

    if isinstance(due, datetime.datetime):
        moment = due
    elif isinstance(due, datetime.date):
        moment = periods.day_bounds(due)[1]
    else:
        raise ValidationError({"due": _("Give the deadline as a date.")})
    if moment <= now:
        raise ValidationError({"due": _("The deadline must lie in the future.")})
    if moment > now + LONGEST_DEADLINE:
        raise ValidationError({"due": _("The deadline must lie within a year.")})
    return moment


def assignable_chiefs(user, problem):
    """The chiefs ``user`` may assign ``problem`` to: current river chiefs of its segment at a tier
    below the one the user coordinates it from (one query)."""
    rank = workflow.assigner_rank(user, problem)
    tiers = [tier for tier, tier_rank in workflow.TIER_RANK.items() if tier_rank < rank]
    if not tiers:
        return []
    appointments = (
        ChiefAppointment.objects.current()
        .filter(segment_id=problem.segment_id, role=ChiefRole.CHIEF, tier__in=tiers)
        .exclude(chief=user)
        .select_related("chief")
        .order_by("tier", "chief__name")
    )
    chiefs = {}
    for appointment in appointments:
        chiefs.setdefault(appointment.chief.pk, appointment.chief)
        appointment.chief.tier = appointment.tier
    return list(chiefs.values())


def accept(problem, user, *, note="", now=None):
    """Accept (承办): the assignee takes the problem on."""
    now = now or timezone.now()
    check_allowed(user, problem, "accept", now)
    changes = {} if problem.responded_at else {"responded_at": now}
    return _apply(problem, user, "accept", now=now, note=_text(note, "note"), changes=changes)


def send_back(problem, user, *, reason, now=None):
    """Send back (责任退回) within 24 hours of the assignment: not the assignee's to handle."""
    now = now or timezone.now()
    check_allowed(user, problem, "send_back", now)
    reason = _text(reason, "reason", required=True)
    changes = {"assignee_unit": None, "assignee_chief": None}
    if not problem.responded_at:
        changes["responded_at"] = now
    details = {"assignee": str(problem.assignee or "")}
    return _apply(problem, user, "send_back", now=now, note=reason, changes=changes, details=details)


def complete(problem, user, *, note, photos, now=None):
    """Complete (办结): what was done, with at least one photo after the work."""
    now = now or timezone.now()
    check_allowed(user, problem, "complete", now)
    note = _text(note, "note", required=True)
    error = _photos_error(list(photos), required=True)
    if error:
        raise ValidationError({"photos": error})
    return _apply(
        problem,
        user,
        "complete",
        now=now,
        note=note,
        changes={"completed_at": now},
        photos=list(photos),
        stage=PhotoStage.AFTER,
        details={"on_time": bool(problem.completion_due and now <= problem.completion_due)},
    )


def verify(problem, user, *, note="", now=None):
    """Verify (核查): the assigner checked the result and it holds."""
    now = now or timezone.now()
    check_allowed(user, problem, "verify", now)
    return _apply(problem, user, "verify", now=now, note=_text(note, "note"))


def reject(problem, user, *, reason, now=None):
    """Reject (审核退回): the result does not hold; back to the assignee to redo."""
    now = now or timezone.now()
    check_allowed(user, problem, "reject", now)
    return _apply(problem, user, "reject", now=now, note=_text(reason, "reason", required=True))


def archive(problem, user, *, note="", now=None):
    """Archive (销号): the file is closed."""
    now = now or timezone.now()
    check_allowed(user, problem, "archive", now)
    return _apply(problem, user, "archive", now=now, note=_text(note, "note"), changes={"ended_at": now})


def merge(problem, user, *, duplicate_of, note="", now=None):
    """Merge as a duplicate of ``duplicate_of``, an open problem the user can see, which is followed
    instead."""
    now = now or timezone.now()
    check_allowed(user, problem, "merge", now)
    note = _text(note, "note")
    if duplicate_of is None or duplicate_of.pk == problem.pk:
        raise ValidationError({"duplicate_of": _("Choose another problem.")})
    original = Problem.objects.restrict(user).filter(pk=duplicate_of.pk).first()
    if original is None:
        raise ValidationError({"duplicate_of": _("No such problem.")})
    if not original.is_open:
        raise ValidationError({"duplicate_of": _("The other problem has ended; merge into an open one.")})
    return _apply(
        problem,
        user,
        "merge",
        now=now,
        note=note,
        changes={"duplicate_of": original, "ended_at": now},
        details={"duplicate_of": original.pk},
    )


def close(problem, user, *, reason, note, now=None):
    """Close (not ours to handle, or unable to fix), with the reason written out."""
    now = now or timezone.now()
    check_allowed(user, problem, "close", now)
    if reason not in CloseReason.values():
        raise ValidationError({"close_reason": _("Choose why the problem is closed.")})
    note = _text(note, "note", required=True)
    return _apply(
        problem,
        user,
        "close",
        now=now,
        note=note,
        changes={"close_reason": reason, "ended_at": now},
        details={"close_reason": reason},
    )


def escalate(problem, user, *, reason, now=None):
    """Escalate: this level cannot solve it; it is registered one level up, unassigned, for that level's
    coordinators (the deadlines stay: the problem is as old as its first report)."""
    now = now or timezone.now()
    check_allowed(user, problem, "escalate", now)
    reason = _text(reason, "reason", required=True)
    level = ProblemLevel.above(problem.level)
    return _apply(
        problem,
        user,
        "escalate",
        now=now,
        note=reason,
        target=ProblemStatus.REGISTERED,
        changes={
            "level": level,
            "assignee_unit": None,
            "assignee_chief": None,
            "assigned_by": None,
            "assigned_at": None,
        },
        details={"from_level": problem.level, "to_level": level},
    )


def urge(problem, user, *, note="", now=None):
    """Urge (催办) the assignee; the state stays, the timeline records it."""
    now = now or timezone.now()
    check_allowed(user, problem, "urge", now)
    return _apply(problem, user, "urge", now=now, note=_text(note, "note"), changes={"urge_count": F("urge_count") + 1})


SERVICES = {
    "assign": assign,
    "accept": accept,
    "send_back": send_back,
    "complete": complete,
    "verify": verify,
    "reject": reject,
    "archive": archive,
    "merge": merge,
    "close": close,
    "escalate": escalate,
    "urge": urge,
}
assert set(SERVICES) == set(workflow.TRANSITIONS), "one service per transition"
