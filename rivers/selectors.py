"""Read-side assembly of registry pages from a bounded number of queries."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When

from rivers.choices import ChiefRole
from rivers.models import ChiefAppointment, Segment, WaterBody
from wushui import keyset
from wushui.choices import RegionLevel, Tier
from wushui.figures import FIGURE_TIMEOUT, REGISTRY, fragment_key, remembered_figure, scope_key
from wushui.models import Region

# Segment tables page by code; the key ends with the primary key, as keysets must.
SEGMENT_ORDER = ("code", "pk")
# What a segment table does not show: the segment's line and its water body's and region's shapes.
TABLE_DEFERRED = ("geometry", "water_body__geometry", "region__boundary")


@dataclass
class ChiefEntry:
    """One person in one post, with the segments they answer for."""

    appointment: ChiefAppointment
    segments: list = field(default_factory=list)


@dataclass(frozen=True)
class RegistryFigures:
    """The registry of a user's scope in five figures."""

    water_bodies: int
    segments: int
    length_km: float
    chiefs: int
    villages: int


def registry_figures(user):
    """:func:`count_registry`, kept until the registry changes (``wushui.figures``)."""
    return remembered_figure(
        ("registry-figures", scope_key(user)), lambda: count_registry(user), depends_on=(REGISTRY,)
    )


def count_registry(user):
    """Water bodies, segments and their length, chiefs in office and villages in the user's scope,
    each counted or summed by the database. Four queries, whatever the size of the registry."""
    segments = Segment.objects.restrict(user).aggregate(count=Count("pk"), length=Sum("length_m"))
    return RegistryFigures(
        water_bodies=WaterBody.objects.restrict(user).count(),
        segments=segments["count"],
        length_km=round((segments["length"] or 0) / 1000, 1),
        chiefs=ChiefAppointment.objects.restrict(user).current().values("chief").distinct().count(),
        villages=Region.objects.restrict(user).filter(level=RegionLevel.VILLAGE).count(),
    )


def chiefs_by_tier(appointments):
    """Group current appointments by tier, one entry per (chief, role), segments collected."""
    groups = {tier: {} for tier in Tier.values()}
    for appointment in appointments:
        key = (appointment.chief_id, appointment.role)
        entry = groups[appointment.tier].setdefault(key, ChiefEntry(appointment))
        entry.segments.append(appointment.segment)
    return [(tier, Tier.label(tier), list(groups[tier].values())) for tier in Tier.values()]


def _ancestors(region):
    while region is not None:
        yield region
        region = region.parent


def post_region(appointment):
    """The region a chief's post belongs to: the segment's region, or its ancestor at the tier's level."""
    level = Tier.REGION_LEVEL[appointment.tier]
    for region in _ancestors(appointment.segment.region):
        if region.level == level:
            return region
    return appointment.segment.region


# Nothing shown beside an appointment draws a shape: its segment's line and the shapes of the water
# body and of the regions around it stay in the database.
APPOINTMENT_DEFERRED = ("segment__geometry", "segment__water_body__geometry")
REGIONS_DEFERRED = (
    "segment__region__boundary",
    "segment__region__parent__boundary",
    "segment__region__parent__parent__boundary",
)


def current_appointments(user, *, with_post_region=False):
    """Current appointments in the user's scope with their chief, segment and water body, no geometry
    loaded; one query, in the callers' order. ``with_post_region`` brings the segment's region up to
    the district too, for ``post_region`` (three more joins: only where a post's region is shown).
    The one place this is written: the chief directory, compliance and maps start from it."""
    appointments = (
        ChiefAppointment.objects.restrict(user)
        .current()
        .select_related("chief", "segment__water_body")
        .defer(*APPOINTMENT_DEFERRED)
    )
    if with_post_region:
        appointments = appointments.select_related("segment__region__parent__parent").defer(*REGIONS_DEFERRED)
    return appointments


def landing_region(user):
    """The region a user's pages start from: their own, or the top of the tree for a district-wide user
    attached to none; one query, without the boundary (a district's outline is most of its row)."""
    regions = Region.objects.defer("boundary")
    if user.region_id is not None:
        return regions.get(pk=user.region_id)
    return regions.restrict(user).filter(parent__isnull=True).first()


def tiers_answering_in(region):
    """The tiers whose chiefs answer for a region's segments at its level or above it: a village has
    its village, street and district chiefs, the district only its district chiefs."""
    depth = RegionLevel.DEPTH[region.level]
    return [tier for tier in Tier.values() if RegionLevel.DEPTH[Tier.REGION_LEVEL[tier]] <= depth]


@dataclass
class DirectoryPage:
    """One region of the chief directory: its chiefs, tier by tier, and a summary per subdivision.

    The chiefs are read only when ``chiefs_by_tier`` is: the page keeps its rendered list under
    ``chiefs_key`` (who sees it, the region, the language and the registry's version, which
    chiefs' names move too) for ``kept_for`` seconds, and reads them again only when that key is new."""

    region: Region
    trail: list  # the regions above it, from the top of the user's scope down
    appointments: object  # the current appointments listed, a queryset not yet read
    tiers: list  # tiers_answering_in(region)
    subdivisions: list  # [SubdivisionFigures]
    chiefs_key: str
    kept_for = FIGURE_TIMEOUT

    @cached_property
    def chiefs_by_tier(self):
        """(tier, label, [ChiefEntry]) for each of ``tiers``: one query."""
        return [group for group in chiefs_by_tier(self.appointments) if group[0] in self.tiers]

    @property
    def tier_choices(self):
        """The columns of ``SubdivisionFigures.chiefs_per_tier``."""
        return Tier.choices()


def chief_directory(user, region):
    """The chief directory (河长名录) of one region in the user's scope: the chiefs who answer for its
    segments at its tier and above, with those segments, and a summary per subdivision
    (``subdivision_figures``) to drill down by. Bounded by one region's posts, never the whole tree:
    one query for the chiefs (when read), three more for the summary of a district or a street (none
    for a village)."""
    tiers = tiers_answering_in(region)
    appointments = current_appointments(user).filter(tier__in=tiers)
    if region.parent_id is not None:
        # As in subdivision_figures: the top region needs no subtree filter, which misleads the planner.
        appointments = appointments.filter(segment__region__in=Region.objects.subtree(region).values("pk"))
    appointments = appointments.order_by("tier", "chief__name", "role", "segment__code")
    subdivisions = subdivision_figures(user, region) if region.level != RegionLevel.VILLAGE else []
    chiefs_key = fragment_key(user, ("chief-directory", region.pk), depends_on=(REGISTRY,))
    return DirectoryPage(
        region=region,
        trail=_trail(user, region),
        appointments=appointments,
        tiers=tiers,
        subdivisions=subdivisions,
        chiefs_key=chiefs_key,
    )


def _trail(user, region):
    above = list(_ancestors(region.parent))
    if not user.sees_whole_district:
        ids = [ancestor.pk for ancestor in above]
        above = above[: ids.index(user.region_id) + 1] if user.region_id in ids else []
    return list(reversed(above))


@dataclass
class SubdivisionFigures:
    """The segments lying in one subdivision (or directly in the region itself) and their chiefs."""

    region: Region
    is_subdivision: bool = True
    segments: int = 0
    length_m: float = 0.0
    vacant: int = 0  # segments with no river chief (role chief) in office at any tier
    chiefs: dict = field(default_factory=dict)  # tier -> people in office on these segments

    @property
    def length_km(self):
        return round(self.length_m / 1000, 1)

    @property
    def chiefs_per_tier(self):
        return [self.chiefs.get(tier, 0) for tier in Tier.values()]


def subdivision_of(region, path):
    """The id of the subdivision of ``region`` that the region at ``path`` lies in, ``region``'s own
    id for what lies directly in it, NULL outside it. The tree has three levels, so a subdivision is
    the region itself or its parent."""
    return Case(
        When(**{f"{path}_id": region.pk}, then=Value(region.pk)),
        When(**{f"{path}__parent_id": region.pk}, then=F(f"{path}_id")),
        When(**{f"{path}__parent__parent_id": region.pk}, then=F(f"{path}__parent_id")),
        default=None,
        output_field=IntegerField(),
    )


def subdivision_figures(user, region):
    """:func:`count_subdivisions`, kept until the registry changes (``wushui.figures``)."""
    return remembered_figure(
        ("subdivision-figures", scope_key(user), region.pk),
        lambda: count_subdivisions(user, region),
        depends_on=(REGISTRY,),
    )


def count_subdivisions(user, region):
    """Per subdivision of ``region`` in the user's scope (the streets of the district, the villages of
    a street) and for the segments lying directly in ``region``: segments, length, segments without a
    river chief, and people in office per tier. Counted by the database, grouped once over the
    segments and once over the appointments: three queries whatever the size of the region."""
    segments = Segment.objects.restrict(user)
    appointments = ChiefAppointment.objects.restrict(user).current()
    if region.parent_id is not None:
        # A top region needs no subtree filter (its subdivision key leaves out what lies elsewhere),
        # and the planner reads the whole registry better without one.
        segments = segments.filter(region__in=Region.objects.subtree(region).values("pk"))
        appointments = appointments.filter(segment__region__in=Region.objects.subtree(region).values("pk"))
    chief_in_office = ChiefAppointment.objects.current().filter(segment=OuterRef("pk"), role=ChiefRole.CHIEF)
    segment_rows = (
        segments.annotate(subdivision=subdivision_of(region, "region"), staffed=Exists(chief_in_office))
        .values("subdivision")
        .annotate(segments=Count("pk"), length_m=Sum("length_m"), vacant=Count("pk", filter=Q(staffed=False)))
        .order_by()
    )
    chief_rows = (
        appointments.annotate(subdivision=subdivision_of(region, "segment__region"))
        .values("subdivision", "tier")
        .annotate(chiefs=Count("chief", distinct=True))
        .order_by()
    )
    figures = {
        child.pk: SubdivisionFigures(child)
        for child in Region.objects.restrict(user).filter(parent=region).defer("boundary")
    }
    figures[region.pk] = SubdivisionFigures(region, is_subdivision=False)
    for row in segment_rows:
        if row["subdivision"] in figures:
            figure = figures[row["subdivision"]]
            figure.segments, figure.length_m, figure.vacant = row["segments"], row["length_m"] or 0.0, row["vacant"]
    for row in chief_rows:
        if row["subdivision"] in figures:
            figures[row["subdivision"]].chiefs[row["tier"]] = row["chiefs"]
    itself = figures.pop(region.pk)
    return [*figures.values(), *([itself] if itself.segments else [])]


def segments_with_current_chiefs(segments_queryset, user):
    """Segments plus their current appointments in two queries, for tables and map popups. The
    water body's and region's own geometries are not loaded: nothing shown next to a segment uses them."""
    segments = list(
        segments_queryset.select_related("water_body", "region").defer("water_body__geometry", "region__boundary")
    )
    appointments = (
        ChiefAppointment.objects.restrict(user)
        .current()
        .filter(segment__in=segments_queryset.values("pk"))
        .select_related("chief")
        .order_by("tier", "role")
    )
    return attach_current_chiefs(segments, appointments)


def segment_page(segments_queryset, user, cursor, size=50):
    """One page of a segment table in code order, paged by keyset, each segment with its current
    chiefs; no geometry loaded. Two queries however deep the page (``wushui.keyset``); raises
    ``keyset.InvalidCursor``."""
    page = keyset.paginate(
        segments_queryset.select_related("water_body", "region").defer(*TABLE_DEFERRED), SEGMENT_ORDER, cursor, size
    )
    appointments = (
        ChiefAppointment.objects.restrict(user)
        .current()
        .filter(segment__in=[segment.pk for segment in page.object_list])
        .select_related("chief")
        .order_by("tier", "role")
    )
    attach_current_chiefs(page.object_list, appointments if page.object_list else [])
    return page


def attach_current_chiefs(segments, appointments):
    """Sets ``segment.current_chiefs`` on each of ``segments`` from current appointments already
    at hand (no query); an appointment loaded without its segment gets the one here."""
    by_segment = {segment.pk: segment for segment in segments}
    for segment in segments:
        segment.current_chiefs = []
    for appointment in appointments:
        segment = by_segment.get(appointment.segment_id)
        if segment is None:
            continue
        if not ChiefAppointment.segment.is_cached(appointment):
            appointment.segment = segment
        segment.current_chiefs.append(appointment)
    return segments
