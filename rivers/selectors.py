"""Read-side assembly of registry pages from a bounded number of queries."""

from dataclasses import dataclass, field

from rivers.models import ChiefAppointment
from wushui.choices import Tier
from wushui.models import Region


@dataclass
class ChiefEntry:
    """One person in one post, with the segments they answer for."""

    appointment: ChiefAppointment
    segments: list = field(default_factory=list)


@dataclass
class DirectoryNode:
    region: Region
    chiefs: list = field(default_factory=list)
    children: list = field(default_factory=list)


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


def current_appointments(user):
    return (
        ChiefAppointment.objects.restrict(user)
        .current()
        .select_related("chief", "segment__water_body", "segment__region__parent__parent")
        .order_by("tier", "chief__name", "segment__code")
    )


def chief_directory(user):
    """The chief directory (河长名录) as a tree district → street → village.

    Two queries: the regions in scope and the current appointments in scope;
    ancestors outside the scope come with the appointments' regions.
    """
    regions = {region.pk: region for region in Region.objects.restrict(user).select_related("parent")}
    appointments = list(current_appointments(user))
    nodes = {}

    def node_for(region):
        if region.pk not in nodes:
            nodes[region.pk] = DirectoryNode(region)
            if region.parent_id is not None:
                parent = regions.get(region.parent_id) or region.parent
                node_for(parent).children.append(nodes[region.pk])
        return nodes[region.pk]

    for region in sorted(regions.values(), key=lambda r: r.code):
        node_for(region)
    entries = {}
    for appointment in appointments:
        home = post_region(appointment)
        home = regions.get(home.pk, home)
        key = (home.pk, appointment.chief_id, appointment.role, appointment.tier)
        if key not in entries:
            entries[key] = ChiefEntry(appointment)
            node_for(home).chiefs.append(entries[key])
        entries[key].segments.append(appointment.segment)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.region.code)
    roots = [node for node in nodes.values() if node.region.parent_id is None]
    roots.sort(key=lambda n: n.region.code)
    return roots, appointments


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
