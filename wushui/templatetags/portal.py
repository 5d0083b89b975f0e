from django import template
from django.utils.html import format_html

from inspections.choices import FindingCategory
from rivers.choices import ChiefRole, WaterBodyKind, WaterClass
from wushui.choices import Domain, JobStatus, RegionLevel, Role, Tier, UnitKind

register = template.Library()

CHOICE_SETS = {
    "chief_role": ChiefRole,
    "domain": Domain,
    "finding_category": FindingCategory,
    "job_status": JobStatus,
    "kind": WaterBodyKind,
    "level": RegionLevel,
    "role": Role,
    "tier": Tier,
    "unit_kind": UnitKind,
    "water_class": WaterClass,
}


@register.simple_tag
def badge(choice_set, value):
    """A coloured label for a choice value: ``{% badge "tier" segment.tier %}``."""
    choices = CHOICE_SETS[choice_set]
    if value in (None, ""):
        return ""
    return format_html('<span class="badge {}">{}</span>', choices.colour(value), choices.label(value))
