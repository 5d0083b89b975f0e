from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class ProblemCategory(FindingCategory):
    """What a problem is about: the patrol finding categories (河长云) and the national "四乱" clean-up
    categories (乱占 occupation, 乱采 mining, 乱堆 dumping, 乱建 building)."""

    badge = "problem_category"
    OCCUPATION = "occupation"
    MINING = "mining"
    DUMPING = "dumping"
    BUILDING = "building"
    FOUR_CHAOS = (OCCUPATION, MINING, DUMPING, BUILDING)
    CHOICES = (
        *FindingCategory.CHOICES,
        (OCCUPATION, _("Illegal occupation (乱占)"), "brown"),
        (MINING, _("Illegal mining (乱采)"), "purple"),
        (DUMPING, _("Illegal dumping (乱堆)"), "orange"),
        (BUILDING, _("Illegal building (乱建)"), "red"),
    )


class ProblemSource(ChoiceSet):
    badge = "problem_source"
    PATROL = "patrol"
    PUBLIC = "public"
    SUPERVISION = "supervision"
    HOTLINE = "hotline"
    ASSIGNMENT = "assignment"
    SYSTEM = "system"
    CHOICES = (
        (PATROL, _("Chief's patrol"), "blue"),
        (PUBLIC, _("Public report"), "green"),
        (SUPERVISION, _("Supervision"), "purple"),
        (HOTLINE, _("Hotline"), "orange"),
        (ASSIGNMENT, _("Assignment from above"), "indigo"),
        (SYSTEM, _("System alert"), "red"),
    )
    # What a signed-in user may register through the portal's form or the API: patrol findings come
    # with their patrol, public reports from the public pages.
    REGISTERED_BY_STAFF = (SUPERVISION, HOTLINE, ASSIGNMENT, SYSTEM)


class ProblemUrgency(ChoiceSet):
    badge = "problem_urgency"
    NORMAL = "normal"
    URGENT = "urgent"
    CRITICAL = "critical"
    CHOICES = (
        (NORMAL, _("Normal (一般)"), "grey"),
        (URGENT, _("Urgent (加急)"), "orange"),
        (CRITICAL, _("Critical (紧急)"), "red"),
    )


class ProblemLevel(ChoiceSet):
    """Where a problem is being solved; escalation moves it one step up the chain of 浙江省河长制规定
    Art. 11 (village → street → district → the district's departments)."""

    badge = "problem_level"
    VILLAGE = "village"
    STREET = "street"
    DISTRICT = "district"
    DEPARTMENT = "department"
    CHOICES = (
        (VILLAGE, _("Village level"), "green"),
        (STREET, _("Street level"), "orange"),
        (DISTRICT, _("District level"), "red"),
        (DEPARTMENT, _("Department level"), "blue"),
    )
    CHAIN = (VILLAGE, STREET, DISTRICT, DEPARTMENT)

    @classmethod
    def above(cls, level):
        index = cls.CHAIN.index(level)
        return cls.CHAIN[index + 1] if index + 1 < len(cls.CHAIN) else None


class ProblemStatus(ChoiceSet):
    """The workflow's states (河长云: 登记, 交办, 责任退回, 承办, 重办, 办结, 核查, 归档); the transitions
    between them are ``inspections.workflow.TRANSITIONS``, nothing else moves a problem."""

    badge = "problem_status"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    SENT_BACK = "sent_back"
    ACCEPTED = "accepted"
    REDO = "redo"
    COMPLETED = "completed"
    VERIFIED = "verified"
    ARCHIVED = "archived"
    MERGED = "merged"
    CLOSED = "closed"
    CHOICES = (
        (REGISTERED, pgettext_lazy("problem status", "Registered"), "grey"),
        (ASSIGNED, pgettext_lazy("problem status", "Assigned"), "blue"),
        (SENT_BACK, pgettext_lazy("problem status", "Sent back"), "orange"),
        (ACCEPTED, pgettext_lazy("problem status", "Accepted"), "indigo"),
        (REDO, pgettext_lazy("problem status", "To redo"), "red"),
        (COMPLETED, pgettext_lazy("problem status", "Completed"), "teal"),
        (VERIFIED, pgettext_lazy("problem status", "Verified"), "cyan"),
        (ARCHIVED, pgettext_lazy("problem status", "Archived"), "green"),
        (MERGED, pgettext_lazy("problem status", "Merged as a duplicate"), "purple"),
        (CLOSED, pgettext_lazy("problem status", "Closed"), "brown"),
    )
    # A problem in one of these has ended: nobody owes it anything any more.
    ENDED = (ARCHIVED, MERGED, CLOSED)
    OPEN = (REGISTERED, ASSIGNED, SENT_BACK, ACCEPTED, REDO, COMPLETED, VERIFIED)
    # Work on it is done (handled), only the assigner's check and the archiving remain.
    HANDLED = (COMPLETED, VERIFIED, ARCHIVED)


class CloseReason(ChoiceSet):
    badge = "close_reason"
    NOT_OURS = "not_ours"
    UNABLE = "unable"
    CHOICES = (
        (NOT_OURS, _("Not ours to handle"), "grey"),
        (UNABLE, _("Unable to fix"), "brown"),
    )


class PhotoStage(ChoiceSet):
    badge = "photo_stage"
    BEFORE = "before"
    AFTER = "after"
    CHOICES = (
        (BEFORE, _("Before"), "orange"),
        (AFTER, _("After"), "green"),
    )
