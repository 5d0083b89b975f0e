"""Map layers of the registry: the few features a detail page embeds, and the segment layer the
pages over a whole scope fetch for the visible extent (see ``wushui.maps``)."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from rivers.choices import OutletStatus, WaterClass
from rivers.filtersets import OutletFilterSet, SegmentLayerFilterSet, StationFilterSet, WaterBodyFilterSet
from rivers.models import ChiefAppointment, Outlet, Segment, Station
from wushui.choices import Tier
from wushui.maps import DETAIL_ZOOM, MapLayer, feature, feature_collection, rank


def chief_line(appointment):
    return f"{Tier.label(appointment.tier)}: {appointment.chief} {appointment.public_phone}"


def segment_features(segments):
    """Segments coloured by their water body's tier; popups list ``segment.current_chiefs`` when a
    view loaded them (see ``rivers.selectors.segments_with_current_chiefs``)."""
    return feature_collection(
        feature(
            segment.geometry,
            name=f"{segment.water_body.name} · {segment.name}",
            url=segment.get_absolute_url(),
            colour=Tier.colour(segment.water_body.responsible_tier),
            chiefs=[chief_line(a) for a in getattr(segment, "current_chiefs", ())],
        )
        for segment in segments
    )


class SegmentLayer(MapLayer):
    """Segments coloured by their water body's tier, each with its chiefs in office.

    Filters: ``region`` (a segment's region and its subdivisions), ``water_body``, and the river
    registry's own (``WaterBodyFilterSet``), so the registry's map draws the rivers its list shows.
    A district-wide view keeps the district- and street-tier rivers, the network a district official
    assigns and supervises, and leaves the village-tier ditches and ponds (specks at that zoom, and
    most of the rows) for ``DETAIL_ZOOM``; cut at the limit, the higher tiers and longer segments stay.
    """

    url_name = "segment-layer"
    model = Segment
    filterset_class = SegmentLayerFilterSet
    list_filterset_class = WaterBodyFilterSet
    class_field = "water_body__responsible_tier"
    min_zoom = {Tier.VILLAGE: DETAIL_ZOOM}
    fields = ("pk", "name", "water_body__name", "water_body__responsible_tier")

    def narrow_to_list(self, queryset, listed):
        return queryset.filter(water_body__in=listed.values("pk"))

    def importance(self):
        return [rank("water_body__responsible_tier", Tier.values()), "-length_m", "pk"]

    def class_label(self, value):
        return Tier.label(value)

    def features(self, rows):
        """One query for the chiefs in office of all ``rows``."""
        chiefs = {}
        appointments = (
            ChiefAppointment.objects.restrict(self.user)
            .current()
            .filter(segment_id__in=[row["pk"] for row in rows])
            .select_related("chief")
            .only("segment_id", "tier", "public_phone", "chief__name", "chief__username")
            .order_by("tier", "role")
        )
        for appointment in appointments:
            chiefs.setdefault(appointment.segment_id, []).append(chief_line(appointment))
        return [
            {
                "type": "Feature",
                "geometry": self.geometry(row),
                "properties": {
                    "name": f"{row['water_body__name']} · {row['name']}",
                    "url": reverse("rivers:segment_detail", args=[row["pk"]]),
                    "colour": Tier.colour(row["water_body__responsible_tier"]),
                    "chiefs": chiefs.get(row["pk"], []),
                },
            }
            for row in rows
        ]


class StationLayer(MapLayer):
    """Monitoring stations as dots coloured by their latest class (grey: no sample yet); the worst first
    when a view holds more than the limit. Filters: the station list's."""

    url_name = "station-layer"
    model = Station
    geometry_field = "location"
    filterset_class = StationFilterSet
    fields = ("pk", "code", "name", "latest_class", "target_class", "water_body__name")

    def importance(self):
        return [F("latest_class").desc(nulls_last=True), "code"]

    def features(self, rows):
        return [
            {
                "type": "Feature",
                "geometry": self.geometry(row),
                "properties": {
                    "name": f"{row['name']} ({row['code']})",
                    "url": reverse("rivers:station_detail", args=[row["pk"]]),
                    "colour": WaterClass.colour(row["latest_class"]) if row["latest_class"] else "grey",
                    "water_class": row["latest_class"],
                    "lines": [
                        str(row["water_body__name"]),
                        _("Latest: %(latest)s; target: %(target)s")
                        % {
                            "latest": WaterClass.label(row["latest_class"]) if row["latest_class"] else "—",
                            "target": WaterClass.label(row["target_class"]),
                        },
                    ],
                },
            }
            for row in rows
        ]


class OutletLayer(MapLayer):
    """Pollution outlets as dots coloured by status; those still to deal with first. Filters: the
    outlet list's."""

    url_name = "outlet-layer"
    model = Outlet
    geometry_field = "location"
    filterset_class = OutletFilterSet
    fields = ("pk", "local_code", "name", "status", "responsible_entity")

    def importance(self):
        return [rank("status", [*OutletStatus.TO_DEAL_WITH, OutletStatus.SEALED, OutletStatus.COMPLIANT]), "local_code"]

    def features(self, rows):
        return [
            {
                "type": "Feature",
                "geometry": self.geometry(row),
                "properties": {
                    "name": f"{row['name']} ({row['local_code']})",
                    "url": reverse("rivers:outlet_detail", args=[row["pk"]]),
                    "colour": OutletStatus.colour(row["status"]),
                    "status": row["status"],
                    "lines": [str(OutletStatus.label(row["status"])), row["responsible_entity"]],
                },
            }
            for row in rows
        ]
