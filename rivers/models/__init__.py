"""The river registry: water bodies and segments (``registry``), the chiefs appointed to them (``chiefs``),
the signboards at the segments (``signboards``)."""

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
from rivers.models.signboards import Signboard, SignboardQuerySet, register_public_page

__all__ = [
    "REGION_BOUNDARY_TOLERANCE_M",
    "ChiefAppointment",
    "ChiefAppointmentQuerySet",
    "Segment",
    "SegmentQuerySet",
    "Signboard",
    "SignboardQuerySet",
    "WaterBody",
    "WaterBodyQuerySet",
    "code_validator",
    "register_public_page",
    "visible_segment_ids",
]
