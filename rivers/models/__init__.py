"""The river registry: water bodies and segments (``registry``), the chiefs appointed to them (``chiefs``)."""

from rivers.models.chiefs import ChiefAppointment, ChiefAppointmentQuerySet
from rivers.models.registry import (
    REGION_BOUNDARY_TOLERANCE_M,
    Segment,
    SegmentQuerySet,
    WaterBody,
    WaterBodyQuerySet,
    code_validator,
    visible_segment_ids,
)

__all__ = [
    "REGION_BOUNDARY_TOLERANCE_M",
    "ChiefAppointment",
    "ChiefAppointmentQuerySet",
    "Segment",
    "SegmentQuerySet",
    "WaterBody",
    "WaterBodyQuerySet",
    "code_validator",
    "visible_segment_ids",
]
