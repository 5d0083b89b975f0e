from django.utils.translation import gettext_lazy as _

from wushui.choices import ChoiceSet


class WaterBodyKind(ChoiceSet):
    """河湖库塘 plus canals; rivers and canals are measured by length, the others by area."""

    badge = "kind"
    RIVER = "river"
    CANAL = "canal"
    LAKE = "lake"
    RESERVOIR = "reservoir"
    POND = "pond"
    CHOICES = (
        (RIVER, _("River"), "blue"),
        (CANAL, _("Canal"), "teal"),
        (LAKE, _("Lake"), "indigo"),
        (RESERVOIR, _("Reservoir"), "purple"),
        (POND, _("Pond"), "green"),
    )
    LINEAR = (RIVER, CANAL)


class WaterClass(ChoiceSet):
    """Surface-water classes of GB 3838-2002; 劣V (worse than V) is stored as 6."""

    badge = "water_class"
    I = 1  # noqa: E741 - the standard's own name
    II = 2
    III = 3
    IV = 4
    V = 5
    WORSE_THAN_V = 6
    CHOICES = (
        (I, _("Class I"), "cyan"),
        (II, _("Class II"), "blue"),
        (III, _("Class III"), "green"),
        (IV, _("Class IV"), "yellow"),
        (V, _("Class V"), "orange"),
        (WORSE_THAN_V, _("Worse than class V"), "red"),
    )
    TARGETS = (I, II, III, IV, V)

    @classmethod
    def target_choices(cls):
        """The classes a water body may have as its target: 劣V is a state, never a goal."""
        return [(value, label) for value, label in cls.choices() if value in cls.TARGETS]


class ChiefRole(ChoiceSet):
    """The river chief (河长) and the related posts some segments also have."""

    badge = "chief_role"
    CHIEF = "chief"
    POLICE_CHIEF = "police_chief"
    INSPECTOR = "inspector"
    CHOICES = (
        (CHIEF, _("River chief"), "blue"),
        (POLICE_CHIEF, _("River police chief"), "indigo"),
        (INSPECTOR, _("Chief inspector"), "purple"),
    )
