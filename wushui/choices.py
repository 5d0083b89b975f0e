"""Choice sets that carry a badge colour with each value, for lists and maps.

A choice set that names a ``badge`` registers itself under that name, so that templates find it
(``{% badge "tier" value %}``) without the core importing the app that defines it.
"""

from django.utils.translation import gettext_lazy as _

BADGES: dict[str, type["ChoiceSet"]] = {}


class ChoiceSet:
    """A fixed list of ``(value, label, colour)``; colours are Bootstrap-like names used by the CSS."""

    CHOICES: tuple = ()
    badge: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.badge:
            if BADGES.get(cls.badge, cls) is not cls:
                raise TypeError(f"Badge {cls.badge!r} is taken by {BADGES[cls.badge].__qualname__}")
            BADGES[cls.badge] = cls

    @classmethod
    def choices(cls):
        return [(value, label) for value, label, _colour in cls.CHOICES]

    @classmethod
    def values(cls):
        return [value for value, _label, _colour in cls.CHOICES]

    @classmethod
    def colour(cls, value):
        return next((colour for v, _label, colour in cls.CHOICES if v == value), "grey")

    @classmethod
    def label(cls, value):
        return next((label for v, label, _colour in cls.CHOICES if v == value), value)


class RegionLevel(ChoiceSet):
    badge = "level"
    DISTRICT = "district"
    STREET = "street"
    VILLAGE = "village"
    CHOICES = (
        (DISTRICT, _("District"), "blue"),
        (STREET, _("Street"), "teal"),
        (VILLAGE, _("Village / community"), "green"),
    )
    DEPTH = {DISTRICT: 0, STREET: 1, VILLAGE: 2}


class Tier(ChoiceSet):
    """The tier of a river chief or of the responsibility for a water body (区级 / 街道级 / 村级)."""

    badge = "tier"
    DISTRICT = "district"
    STREET = "street"
    VILLAGE = "village"
    CHOICES = (
        (DISTRICT, _("District tier"), "red"),
        (STREET, _("Street tier"), "orange"),
        (VILLAGE, _("Village tier"), "green"),
    )
    # A tier's chiefs answer at the region level of the same name.
    REGION_LEVEL = {DISTRICT: RegionLevel.DISTRICT, STREET: RegionLevel.STREET, VILLAGE: RegionLevel.VILLAGE}


class Role(ChoiceSet):
    badge = "role"
    DISTRICT_ADMIN = "district_admin"
    DISTRICT_OFFICIAL = "district_official"
    STREET_OFFICIAL = "street_official"
    CHIEF = "chief"
    DEPARTMENT = "department"
    CHOICES = (
        (DISTRICT_ADMIN, _("District administrator (river-chief office)"), "red"),
        (DISTRICT_OFFICIAL, _("District official"), "purple"),
        (STREET_OFFICIAL, _("Street official"), "orange"),
        (CHIEF, _("River chief"), "blue"),
        (DEPARTMENT, _("Department user"), "teal"),
    )


class UnitKind(ChoiceSet):
    badge = "unit_kind"
    OFFICE = "office"
    DEPARTMENT = "department"
    STREET_OFFICE = "street_office"
    OWNER = "owner"
    COMMITTEE = "committee"
    CHOICES = (
        (OFFICE, _("River-chief office"), "red"),
        (DEPARTMENT, _("Department"), "blue"),
        (STREET_OFFICE, _("Street office"), "orange"),
        (OWNER, _("Owner unit"), "purple"),
        (COMMITTEE, _("Management committee"), "teal"),
    )


class Domain(ChoiceSet):
    """What a department user works on."""

    badge = "domain"
    WATER_QUALITY = "water_quality"
    OUTLETS = "outlets"
    PROJECTS = "projects"
    ENFORCEMENT = "enforcement"
    CHOICES = (
        (WATER_QUALITY, _("Water quality"), "blue"),
        (OUTLETS, _("Pollution outlets"), "brown"),
        (PROJECTS, _("Projects"), "purple"),
        (ENFORCEMENT, _("Enforcement"), "red"),
    )


class JobStatus(ChoiceSet):
    badge = "job_status"
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CHOICES = (
        (PENDING, _("Pending"), "grey"),
        (RUNNING, _("Running"), "blue"),
        (COMPLETED, _("Completed"), "green"),
        (FAILED, _("Failed"), "red"),
    )
    FINISHED = (COMPLETED, FAILED)
