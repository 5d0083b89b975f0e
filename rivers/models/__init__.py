"""The river registry: water bodies and segments (``registry``), the chiefs appointed to them (``chiefs``),
the signboards at the segments (``signboards``), water quality (``quality``: stations, samples, alerts,
imports, the campaign's deadlines), pollution outlets (``outlets``) and 清三河 (``three_rivers``)."""

from rivers.models.chiefs import ChiefAppointment, ChiefAppointmentQuerySet
from rivers.models.outlets import Outlet, OutletQuerySet
from rivers.models.quality import (
    Alert,
    AlertQuerySet,
    CampaignDeadline,
    ImportStatus,
    Sample,
    SampleImport,
    SampleQuerySet,
    Station,
    StationMonth,
    StationQuerySet,
    domain_scope,
    manages,
)
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
from rivers.models.three_rivers import ThreeRiversQuerySet, ThreeRiversRecord

__all__ = [
    "REGION_BOUNDARY_TOLERANCE_M",
    "Alert",
    "AlertQuerySet",
    "CampaignDeadline",
    "ChiefAppointment",
    "ChiefAppointmentQuerySet",
    "ImportStatus",
    "Outlet",
    "OutletQuerySet",
    "Sample",
    "SampleImport",
    "SampleQuerySet",
    "Segment",
    "SegmentQuerySet",
    "Signboard",
    "SignboardQuerySet",
    "Station",
    "StationMonth",
    "StationQuerySet",
    "ThreeRiversQuerySet",
    "ThreeRiversRecord",
    "WaterBody",
    "WaterBodyQuerySet",
    "code_validator",
    "domain_scope",
    "manages",
    "register_public_page",
    "visible_segment_ids",
]
