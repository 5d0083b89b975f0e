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


# --- Water quality ---------------------------------------------------------------------------------------


class ControlLevel(ChoiceSet):
    """Who controls a monitoring station (站位 / 断面): 国控, 省控, 市控, 区控, 街道."""

    badge = "control_level"
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    CHOICES = (
        (NATIONAL, _("National"), "red"),
        (PROVINCIAL, _("Provincial"), "orange"),
        (CITY, _("City"), "purple"),
        (DISTRICT, _("District-controlled"), "blue"),
        (STREET, _("Street-controlled"), "teal"),
    )
    # Stations the city (or above) assesses: the speech's 8/31 deadline applies to them.
    CITY_OR_ABOVE = (NATIONAL, PROVINCIAL, CITY)


class WaterType(ChoiceSet):
    """Rivers and lakes/reservoirs have different phosphorus limits, and TN classifies lakes only."""

    badge = "water_type"
    RIVER = "river"
    LAKE = "lake"
    CHOICES = (
        (RIVER, _("River"), "blue"),
        (LAKE, _("Lake or reservoir"), "indigo"),
    )

    @classmethod
    def of_kind(cls, kind):
        return cls.LAKE if kind in (WaterBodyKind.LAKE, WaterBodyKind.RESERVOIR) else cls.RIVER


class SampleSource(ChoiceSet):
    badge = "sample_source"
    LAB = "lab"
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    CHOICES = (
        (LAB, _("Laboratory"), "purple"),
        (AUTOMATIC, _("Automatic station"), "blue"),
        (MANUAL, _("Typed in"), "grey"),
    )


class SampleInterval(ChoiceSet):
    """What one value stands for: an instant (a grab sample, a real-time reading), an hour or a day."""

    badge = "sample_interval"
    INSTANT = "instant"
    HOUR = "hour"
    DAY = "day"
    CHOICES = (
        (INSTANT, _("Instant"), "grey"),
        (HOUR, _("Hourly mean"), "blue"),
        (DAY, _("Daily mean"), "teal"),
    )


class AlertKind(ChoiceSet):
    badge = "alert_kind"
    WORSE_THAN_TARGET = "worse_than_target"
    WORSE_THAN_V = "worse_than_v"
    CHOICES = (
        (WORSE_THAN_TARGET, _("Worse than target"), "orange"),
        (WORSE_THAN_V, _("Worse than class V"), "red"),
    )


class DeadlineSubject(ChoiceSet):
    """What a deadline of the year's campaign applies to (the speech: 5/31, 8/31, 12/31)."""

    badge = "deadline_subject"
    ILLEGAL_OUTLETS = "illegal_outlets"
    CITY_STATIONS = "city_stations"
    OUTLET_REMEDIATION = "outlet_remediation"
    ALL_STATIONS = "all_stations"
    CHOICES = (
        (ILLEGAL_OUTLETS, _("Illegal outlets cleared, zero direct discharge on rivers with 劣V stations"), "red"),
        (CITY_STATIONS, _("City-controlled stations out of 劣V"), "purple"),
        (OUTLET_REMEDIATION, _("Outlet remediation done"), "orange"),
        (ALL_STATIONS, _("No 劣V anywhere"), "blue"),
    )


# --- Pollution outlets (入河排污口, HJ 1312-2023) --------------------------------------------------------


class OutletCategory(ChoiceSet):
    badge = "outlet_category"
    INDUSTRIAL = "industrial"
    URBAN_SEWAGE = "urban_sewage"
    AGRICULTURAL = "agricultural"
    OTHER = "other"
    CHOICES = (
        (INDUSTRIAL, _("Industrial"), "brown"),
        (URBAN_SEWAGE, _("Urban sewage plant"), "purple"),
        (AGRICULTURAL, _("Agricultural"), "green"),
        (OTHER, _("Other"), "grey"),
    )


class OutletSubtype(ChoiceSet):
    """The sub-types of HJ 1312-2023, each under its category (``CATEGORY``)."""

    badge = "outlet_subtype"
    ENTERPRISE = "enterprise"
    ENTERPRISE_STORM = "enterprise_storm"
    PARK_PLANT = "park_plant"
    PARK_STORM = "park_storm"
    SEWAGE_PLANT = "sewage_plant"
    LIVESTOCK = "livestock"
    AQUACULTURE = "aquaculture"
    IRRIGATION = "irrigation"
    PORT = "port"
    SMALL_FARMING = "small_farming"
    RURAL_FACILITY = "rural_facility"
    RURAL_DOMESTIC = "rural_domestic"
    CHOICES = (
        (ENTERPRISE, _("Enterprise outlet"), "brown"),
        (ENTERPRISE_STORM, _("Enterprise storm outlet"), "brown"),
        (PARK_PLANT, _("Industrial park plant outlet"), "brown"),
        (PARK_STORM, _("Industrial park storm outlet"), "brown"),
        (SEWAGE_PLANT, _("Urban sewage treatment plant outlet"), "purple"),
        (LIVESTOCK, _("Large-scale livestock farm"), "green"),
        (AQUACULTURE, _("Large-scale aquaculture"), "green"),
        (IRRIGATION, _("Irrigation district"), "grey"),
        (PORT, _("Port or dock"), "grey"),
        (SMALL_FARMING, _("Small livestock or aquaculture"), "grey"),
        (RURAL_FACILITY, _("Rural sewage treatment facility"), "grey"),
        (RURAL_DOMESTIC, _("Scattered rural domestic sewage"), "grey"),
    )
    CATEGORY = {
        ENTERPRISE: OutletCategory.INDUSTRIAL,
        ENTERPRISE_STORM: OutletCategory.INDUSTRIAL,
        PARK_PLANT: OutletCategory.INDUSTRIAL,
        PARK_STORM: OutletCategory.INDUSTRIAL,
        SEWAGE_PLANT: OutletCategory.URBAN_SEWAGE,
        LIVESTOCK: OutletCategory.AGRICULTURAL,
        AQUACULTURE: OutletCategory.AGRICULTURAL,
        IRRIGATION: OutletCategory.OTHER,
        PORT: OutletCategory.OTHER,
        SMALL_FARMING: OutletCategory.OTHER,
        RURAL_FACILITY: OutletCategory.OTHER,
        RURAL_DOMESTIC: OutletCategory.OTHER,
    }


class OutletStatus(ChoiceSet):
    badge = "outlet_status"
    COMPLIANT = "compliant"
    ILLEGAL = "illegal"
    UNREASONABLE = "unreasonable"
    OVER_STANDARD = "over_standard"
    UNDER_REMEDIATION = "remediating"
    SEALED = "sealed"
    CHOICES = (
        (COMPLIANT, _("Compliant"), "green"),
        (ILLEGAL, _("Illegally placed"), "red"),
        (UNREASONABLE, _("Unreasonably placed"), "orange"),
        (OVER_STANDARD, _("Over-standard discharge"), "purple"),
        (UNDER_REMEDIATION, _("Under remediation"), "yellow"),
        (SEALED, _("Sealed"), "grey"),
    )
    # An outlet in one of these still has to be dealt with by its deadline.
    TO_DEAL_WITH = (ILLEGAL, UNREASONABLE, OVER_STANDARD, UNDER_REMEDIATION)


# --- 清三河 ----------------------------------------------------------------------------------------------


class ThreeRiversKind(ChoiceSet):
    """垃圾河, 黑河, 臭河."""

    badge = "three_rivers"
    GARBAGE = "garbage"
    BLACK = "black"
    SMELLY = "smelly"
    CHOICES = (
        (GARBAGE, _("Garbage river"), "brown"),
        (BLACK, _("Black river"), "grey"),
        (SMELLY, _("Smelly river"), "purple"),
    )
