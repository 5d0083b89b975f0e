"""Reports from the public (群众举报): from a signboard's QR page or an Open311 client to a problem,
followed with a tracking code, rated once closed.

Two functions are the seams to the problem workflow, and nothing else here knows its states:
- :func:`create_public_problem` makes the problem (the workflow's registration replaces its body);
- :func:`public_status` says what a state means to the public: open or closed, with a note.

What a public page reads of other rows goes through their ``public()`` querysets (published fields
only); the report's own rows (contact, tracking code, photos) are read by its tracking code.
"""

import datetime
import io
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Case, Count, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from inspections.choices import ProblemSource, ProblemStatus
from inspections.models import Patrol, Problem, PublicPhoto, PublicReport
from inspections.problems import register_problem
from rivers.models import Segment
from wushui import periods
from wushui.choices import RegionLevel
from wushui.files import save_file_and_row
from wushui.geo import to_metric
from wushui.images import check_photo

OPEN = "open"
CLOSED = "closed"

# The workflow's states in which a problem is still being dealt with. Any other state (archived,
# merged as a duplicate, closed as not ours or unable to fix, and any the workflow adds without
# naming it here) counts as closed to the public: a state nobody listed must not keep a reporter
# waiting on a problem the portal considers finished. Verified work stays open until it is archived.
OPEN_STATES = frozenset(ProblemStatus.OPEN)

# A public report lies by its river: a point farther than this from the segment is a wrong pin.
MAX_DISTANCE_FROM_SEGMENT_M = 500
# "Already reported?": open problems within this distance of the reporter's point.
NEARBY_M = 150
NEARBY_LIMIT = 5
# Photos are added while the report is fresh (the outbox sends them right after it); later, the
# tracking code is only for reading.
PHOTO_WINDOW = datetime.timedelta(hours=24)
PHOTO_MAX_PX = 2048
PHOTO_QUALITY = 85
DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 2000
RATING_COMMENT_MAX = 1000


@dataclass(frozen=True)
class PublicStatus:
    code: str  # OPEN or CLOSED, as Open311 says it
    label: str
    note: str

    @property
    def is_closed(self):
        return self.code == CLOSED


_NOTES = {
    ProblemStatus.REGISTERED: (
        gettext_lazy("Received"),
        gettext_lazy("The report is registered and waits to be assigned to those who will handle it."),
    ),
    OPEN: (gettext_lazy("Being handled"), gettext_lazy("The problem has been assigned and is being handled.")),
    CLOSED: (gettext_lazy("Closed"), gettext_lazy("Handling is finished and the problem is closed.")),
}


def public_status(state):
    """What a problem's workflow state means to the public. The one place that reads the states."""
    if state == ProblemStatus.REGISTERED:
        label, note = _NOTES[ProblemStatus.REGISTERED]
        return PublicStatus(OPEN, str(label), str(note))
    code = OPEN if state in OPEN_STATES else CLOSED
    label, note = _NOTES[code]
    return PublicStatus(code, str(label), str(note))


def open_q():
    return Q(status__in=OPEN_STATES)


def create_public_problem(*, segment, category, description, location):
    """Register a problem reported by the public through the workflow's one registration (deadlines
    for public reports, the first timeline entry); the reporter's contact stays in ``PublicReport``.
    Its callers hold a transaction."""
    return register_problem(
        source=ProblemSource.PUBLIC, segment=segment, category=category, description=description, location=location
    )


# Where a point lies


def degree_box(point, metres):
    """A box of ``metres`` around ``point`` in degrees, to let the spatial index pick the candidates
    (portable: ``__intersects`` answers alike on PostGIS and SpatiaLite); distances are then measured
    in the metric CRS."""
    dlat = metres / 111_320
    dlon = metres / (111_320 * max(math.cos(math.radians(point.y)), 0.01))
    return Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))


def distance_to_segment_m(point, segment_line):
    return to_metric(segment_line).distance(to_metric(point))


def check_near_segment(point, segment):
    distance = distance_to_segment_m(point, segment.geometry)
    if distance > MAX_DISTANCE_FROM_SEGMENT_M:
        raise ValidationError(
            {
                "location": _(
                    "The point lies %(distance)s m from %(segment)s; mark where the problem is, by the river."
                )
                % {"distance": f"{distance:.0f}", "segment": segment.name}
            }
        )


def nearest_segment(point):
    """The published segment nearest to ``point`` within the distance a report may lie from its river,
    or ``None``. Two queries."""
    box = degree_box(point, MAX_DISTANCE_FROM_SEGMENT_M)
    lines = Segment.objects.public_lines().filter(geometry__intersects=box)
    best = min(((distance_to_segment_m(point, line["geometry"]), line["pk"]) for line in lines), default=(None, None))
    if best[1] is None or best[0] > MAX_DISTANCE_FROM_SEGMENT_M:
        return None
    return Segment.objects.select_related("water_body", "region").get(pk=best[1])


def nearby_open_problems(point, *, metres=NEARBY_M, limit=NEARBY_LIMIT):
    """Open problems within ``metres`` of ``point`` (public fields only), nearest first, each with its
    ``distance_m``. One query for the candidates in the box, measured here."""
    candidates = Problem.objects.public().filter(open_q(), location__intersects=degree_box(point, metres))
    metric = to_metric(point)
    rows = []
    for row in candidates.order_by("-created_at")[:200]:
        distance = to_metric(row["location"]).distance(metric)
        if distance <= metres:
            rows.append({**row, "distance_m": round(distance)})
    return sorted(rows, key=lambda row: row["distance_m"])[:limit]


# Activity on a signboard's page


@dataclass(frozen=True)
class SegmentActivity:
    patrols_this_month: int
    reported_last_year: int
    closed_last_year: int
    open_now: int


def segment_activity(segment_id, now=None):
    """Valid patrols of this month and problems of the last twelve months on the segment. Two queries."""
    now = now or timezone.now()
    month = periods.period_containing(periods.MONTH, now)
    patrols = Patrol.objects.public().filter(segment_id=segment_id, started_at__gte=month.start).count()
    problems = (
        Problem.objects.public()
        .filter(segment_id=segment_id)
        .aggregate(
            reported=Count("pk", filter=Q(created_at__gte=now - datetime.timedelta(days=365))),
            closed=Count("pk", filter=~open_q() & Q(created_at__gte=now - datetime.timedelta(days=365))),
            open=Count("pk", filter=open_q()),
        )
    )
    return SegmentActivity(patrols, problems["reported"], problems["closed"], problems["open"])


# Receiving a report


def submit_public_report(
    *,
    segment,
    category,
    description,
    location,
    client_token=None,
    contact_name="",
    contact_phone="",
    contact_email="",
    via=PublicReport.VIA_PAGE,
    open311_client=None,
):
    """Register the problem and its report in one transaction. Returns ``(report, created)``.

    A report re-sent with the same ``client_token`` (a phone that never heard the answer) returns the
    stored one, also when two copies race: the unique token decides, the loser reads the winner's row
    (its problem rolled back with it)."""
    if client_token is not None:
        stored = PublicReport.objects.filter(client_token=client_token).select_related("problem").first()
        if stored is not None:
            return stored, False
    check_near_segment(location, segment)
    try:
        with transaction.atomic():
            problem = create_public_problem(
                segment=segment, category=category, description=description, location=location
            )
            report = PublicReport(
                problem=problem,
                client_token=client_token,
                contact_name=contact_name,
                contact_phone=contact_phone,
                contact_email=contact_email,
                via=via,
                open311_client=open311_client,
            )
            report.full_clean(exclude=["problem", "tracking_code", "client_token"])
            report.save()
    except IntegrityError:
        stored = PublicReport.objects.filter(client_token=client_token).first() if client_token else None
        if stored is None:
            raise
        return stored, False
    return report, True


def reencoded_photo(upload):
    """The uploaded photo decoded and written anew as JPEG, without EXIF, XMP or ICC data (position,
    device, time), turned upright by its EXIF orientation first. Refuses, naming ``image``, what
    ``check_photo`` refuses with the public limits (``PUBLIC_PHOTO_MAX_*``), checked from the header
    before decoding: a decompression bomb never expands."""
    try:
        check_photo(upload, max_bytes=settings.PUBLIC_PHOTO_MAX_BYTES, max_pixels=settings.PUBLIC_PHOTO_MAX_PIXELS)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "P"):
                upright = upright.convert("RGBA")
                background = Image.new("RGB", upright.size, "white")
                background.paste(upright, mask=upright.getchannel("A"))
                upright = background
            upright = upright.convert("RGB")
            upright.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
            clean = Image.new("RGB", upright.size)
            clean.paste(upright)
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # A header that passed but pixels that do not decode (a truncated file).
        raise ValidationError({"image": _("Send a JPEG, PNG or WebP photo.")}) from None
    return ContentFile(out.getvalue(), name="photo.jpg")


def add_public_photo(report, *, image, client_key=""):
    """Store a photo of ``report`` (already re-encoded). Returns ``(photo, created)``; a photo re-sent
    with the same ``client_key`` returns the stored one, and a photo that is not stored leaves no file."""
    if client_key:
        stored = report.photos.filter(client_key=client_key).first()
        if stored is not None:
            return stored, False
    if timezone.now() - report.created_at > PHOTO_WINDOW:
        raise ValidationError({"image": _("Photos are added within a day of the report.")})
    if report.photos.count() >= settings.PUBLIC_REPORT_MAX_PHOTOS:
        raise ValidationError(
            {"image": _("A report takes at most %(max)s photos.") % {"max": settings.PUBLIC_REPORT_MAX_PHOTOS}}
        )
    return save_file_and_row(
        PublicPhoto(report=report, client_key=client_key), "image", image, report.photos, client_key
    )


# After closing


def rate_report(report, *, rating, comment=""):
    """The reporter's satisfaction with a closed problem, given once: a second rating, or one before
    the problem is closed, is refused naming ``rating``."""
    if not public_status(report.problem.status).is_closed:
        raise ValidationError({"rating": _("A problem is rated once it is closed.")})
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Give 1 to 5 stars.")})
    now = timezone.now()
    # Conditional on "not rated yet": two submissions at once cannot both count.
    updated = PublicReport.objects.filter(pk=report.pk, rated_at__isnull=True).update(
        rating=rating, rating_comment=comment, rated_at=now
    )
    if not updated:
        raise ValidationError({"rating": _("This report has already been rated.")})
    report.rating, report.rating_comment, report.rated_at = rating, comment, now
    return report


@dataclass(frozen=True)
class StreetSatisfaction:
    street_id: int | None
    street_name: str
    ratings: int
    average: float


def satisfaction_by_street(user):
    """Ratings given by reporters per street (a village's problems count for its street), in the user's
    view scope, best first: the figure the dashboard can reuse. One query."""
    region = "problem__segment__region"
    rows = (
        PublicReport.objects.restrict(user)
        .filter(rating__isnull=False)
        .annotate(
            street_id=Case(
                When(**{f"{region}__level": RegionLevel.VILLAGE}, then=F(f"{region}__parent_id")),
                When(**{f"{region}__level": RegionLevel.STREET}, then=F(f"{region}_id")),
                default=None,
            ),
            street_name=Case(
                When(**{f"{region}__level": RegionLevel.VILLAGE}, then=F(f"{region}__parent__name")),
                When(**{f"{region}__level": RegionLevel.STREET}, then=F(f"{region}__name")),
                default=None,
            ),
        )
        .values("street_id", "street_name")
        .annotate(ratings=Count("pk"), average=Avg("rating"))
        .order_by("-average", "street_name")
    )
    return [
        StreetSatisfaction(
            row["street_id"], row["street_name"] or _("District-wide"), row["ratings"], round(row["average"], 2)
        )
        for row in rows
    ]
