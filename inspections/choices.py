from django.utils.translation import gettext_lazy as _

from wushui.choices import ChoiceSet


class FindingCategory(ChoiceSet):
    """Patrol finding categories as used by Zhejiang's river-chief app (河长云)."""

    badge = "finding_category"
    WATER_BODY = "water_body"
    WATER_SURFACE = "water_surface"
    MID_RIVER = "mid_river"
    BANK = "bank"
    WATER_ACTIVITY = "water_activity"
    OUTLET = "outlet"
    SIGNBOARD = "signboard"
    HYDRAULIC_STRUCTURE = "hydraulic_structure"
    CHOICES = (
        (WATER_BODY, _("Water body (colour, smell)"), "blue"),
        (WATER_SURFACE, _("Water surface (floating litter)"), "cyan"),
        (MID_RIVER, _("Mid-river (obstructions)"), "indigo"),
        (BANK, _("Bank (dumping, encroachment)"), "brown"),
        (WATER_ACTIVITY, _("Water activities (fishing, sand mining)"), "purple"),
        (OUTLET, _("Outlet (discharge)"), "red"),
        (SIGNBOARD, _("Signboard"), "orange"),
        (HYDRAULIC_STRUCTURE, _("Hydraulic structure"), "teal"),
    )


class PatrolSource(ChoiceSet):
    badge = "patrol_source"
    WEB = "web"
    APP = "app"
    GPX = "gpx"
    CHOICES = (
        (WEB, _("Portal (phone browser)"), "blue"),
        (APP, _("Mobile app"), "teal"),
        (GPX, _("GPX file"), "purple"),
    )
    # What a JSON submission may claim; GPX is set by the server when a file is sent.
    SUBMITTED = (APP, WEB)


class ProblemSource(ChoiceSet):
    badge = "problem_source"
    PATROL = "patrol"
    PUBLIC = "public"
    SUPERVISION = "supervision"
    HOTLINE = "hotline"
    SYSTEM = "system"
    CHOICES = (
        (PATROL, _("Chief's patrol"), "blue"),
        (PUBLIC, _("Public report"), "green"),
        (SUPERVISION, _("Supervision"), "purple"),
        (HOTLINE, _("Hotline"), "orange"),
        (SYSTEM, _("System alert"), "red"),
    )


class ProblemStatus(ChoiceSet):
    """The workflow's states; this module only registers problems, the workflow moves them on."""

    badge = "problem_status"
    REGISTERED = "registered"
    CHOICES = ((REGISTERED, _("Registered"), "grey"),)
