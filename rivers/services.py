"""Registry workflows that touch several rows."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from rivers.choices import WaterBodyKind, WaterClass
from rivers.models import Segment, Signboard, WaterBody
from rivers.selectors import segments_with_current_chiefs
from wushui import periods
from wushui.choices import Tier
from wushui.jobs import set_progress


def export_registry(job):
    """The registry (一河一档) in the requester's scope as an Excel workbook: water bodies and segments."""
    user = job.requested_by
    workbook = Workbook(write_only=True)
    bodies = workbook.create_sheet(_("Water bodies"))
    bodies.append(
        [
            _("Code"),
            _("Name"),
            _("Kind"),
            _("Responsible tier"),
            _("Target water class"),
            _("Length (km)"),
            _("Area (km²)"),
            _("Provincial model river"),
        ]
    )
    water_bodies = list(WaterBody.objects.restrict(user).defer("geometry").order_by("code"))
    segments = segments_with_current_chiefs(Segment.objects.restrict(user).defer("geometry").order_by("code"), user)
    for body in water_bodies:
        bodies.append(
            [
                body.code,
                body.name,
                str(WaterBodyKind.label(body.kind)),
                str(Tier.label(body.responsible_tier)),
                str(WaterClass.label(body.target_class)),
                body.length_km,
                body.area_km2,
                _("Yes") if body.is_provincial_model else _("No"),
            ]
        )
    # The share of the rows written so far.
    set_progress(job, round(100 * len(water_bodies) / max(1, len(water_bodies) + len(segments))))
    segments_sheet = workbook.create_sheet(_("Segments"))
    segments_sheet.append(
        [
            _("Code"),
            _("Water body"),
            _("Segment"),
            _("Region"),
            _("Length (m)"),
            _("District tier"),
            _("Street tier"),
            _("Village tier"),
        ]
    )
    for segment in segments:
        chiefs = {tier: [] for tier in Tier.values()}
        for appointment in segment.current_chiefs:
            chiefs[appointment.tier].append(f"{appointment.chief} {appointment.public_phone}")
        segments_sheet.append(
            [
                segment.code,
                segment.water_body.name,
                segment.name,
                segment.region.name,
                round(segment.length_m),
                *("、".join(chiefs[tier]) for tier in Tier.values()),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return f"registry-{periods.local_date():%Y%m%d}-{job.pk}.xlsx", buffer.getvalue()


def create_missing_signboards(segments):
    """A signboard (standard duties and goals, the district's hotline) for each of ``segments`` that has
    none; returns how many were made. One query to find them, one insert."""
    missing = segments.filter(signboard__isnull=True).values_list("pk", flat=True)
    boards = [Signboard.for_segment(segment_id) for segment_id in missing]
    Signboard.objects.bulk_create(boards, batch_size=500)
    return len(boards)
