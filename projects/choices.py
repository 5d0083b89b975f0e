from django.utils.translation import gettext_lazy as _

from wushui.choices import ChoiceSet


class WaterCategory(ChoiceSet):
    """The five waters of 五水共治 a project or task serves."""

    badge = "water_category"
    SEWAGE = "sewage"
    FLOOD = "flood"
    DRAINAGE = "drainage"
    SUPPLY = "supply"
    SAVING = "saving"
    CHOICES = (
        (SEWAGE, _("Treat sewage (治污水)"), "brown"),
        (FLOOD, _("Prevent floods (防洪水)"), "blue"),
        (DRAINAGE, _("Drain waterlogging (排涝水)"), "teal"),
        (SUPPLY, _("Secure supply (保供水)"), "green"),
        (SAVING, _("Save water (抓节水)"), "cyan"),
    )


class ProjectSubtype(ChoiceSet):
    """What kind of works a project is; each belongs to the waters listed in ``CATEGORIES``."""

    badge = "project_subtype"
    SEWER_CONNECTION = "sewer_connection"
    SEWAGE_PLANT = "sewage_plant"
    DREDGING = "dredging"
    SEAWALL = "seawall"
    DRAINAGE = "drainage"
    WATER_FLOW = "water_flow"
    WATERFRONT = "waterfront"
    RESERVOIR_SAFETY = "reservoir_safety"
    STANDARDISATION = "standardisation"
    SMALL_PARK = "small_park"
    SUPPLY_WORKS = "supply_works"
    WATER_SAVING = "water_saving"
    OTHER = "other"
    CHOICES = (
        (SEWER_CONNECTION, _("Sewage interception into the network (截污纳管)"), "brown"),
        (SEWAGE_PLANT, _("Sewage treatment plant (污水处理厂)"), "brown"),
        (DREDGING, _("Dredging (清淤疏浚)"), "orange"),
        (SEAWALL, _("Seawall (海塘)"), "blue"),
        (DRAINAGE, _("Drainage works (排涝)"), "teal"),
        (WATER_FLOW, _("Living water flow (活水畅流)"), "cyan"),
        (WATERFRONT, _("Water and banks together (水岸同治)"), "green"),
        (RESERVOIR_SAFETY, _("Reservoir and pond safety (水库山塘除险加固)"), "indigo"),
        (STANDARDISATION, _("Standardised management (标准化创建)"), "purple"),
        (SMALL_PARK, _("Small enterprise park (小微园)"), "grey"),
        (SUPPLY_WORKS, _("Water supply works (供水工程)"), "green"),
        (WATER_SAVING, _("Water saving (节水)"), "cyan"),
        (OTHER, _("Other"), "grey"),
    )
    # The waters each kind of works may serve; "other" serves any.
    CATEGORIES = {
        SEWER_CONNECTION: {WaterCategory.SEWAGE},
        SEWAGE_PLANT: {WaterCategory.SEWAGE},
        DREDGING: {WaterCategory.SEWAGE, WaterCategory.DRAINAGE},
        SEAWALL: {WaterCategory.FLOOD},
        DRAINAGE: {WaterCategory.DRAINAGE, WaterCategory.FLOOD},
        WATER_FLOW: {WaterCategory.SEWAGE},
        WATERFRONT: {WaterCategory.SEWAGE},
        RESERVOIR_SAFETY: {WaterCategory.FLOOD, WaterCategory.SUPPLY},
        STANDARDISATION: {WaterCategory.FLOOD, WaterCategory.DRAINAGE, WaterCategory.SUPPLY},
        SMALL_PARK: {WaterCategory.SEWAGE},
        SUPPLY_WORKS: {WaterCategory.SUPPLY},
        WATER_SAVING: {WaterCategory.SAVING},
    }

    @classmethod
    def serves(cls, subtype, category):
        allowed = cls.CATEGORIES.get(subtype)
        return allowed is None or category in allowed


class MeasureUnit(ChoiceSet):
    """Units of physical targets and task targets."""

    badge = "measure_unit"
    KM = "km"
    WAN_M3 = "wan_m3"
    MU = "mu"
    COUNT = "count"
    WAN_TONNES_PER_DAY = "wan_t_day"
    PERCENT = "percent"
    CHOICES = (
        (KM, _("km"), "grey"),
        (WAN_M3, _("10,000 m³ (万方)"), "grey"),
        (MU, _("mu (亩)"), "grey"),
        (COUNT, _("count"), "grey"),
        (WAN_TONNES_PER_DAY, _("10,000 t/day"), "grey"),
        (PERCENT, _("%"), "grey"),
    )


class MilestoneKind(ChoiceSet):
    """The steps of a works project, in order: the preliminary work (前期), then start, completion and
    acceptance. ``STAGE`` orders them: a step may not be planned (or done) before a step of an earlier
    stage; the preliminary steps run side by side."""

    badge = "milestone_kind"
    LAND_ACQUISITION = "land_acquisition"
    LAND_PREREVIEW = "land_prereview"
    ENVIRONMENTAL_ASSESSMENT = "environmental_assessment"
    FEASIBILITY = "feasibility"
    PRELIMINARY_DESIGN = "preliminary_design"
    START = "start"
    COMPLETION = "completion"
    ACCEPTANCE = "acceptance"
    CHOICES = (
        (LAND_ACQUISITION, _("Land acquisition (土地报征)"), "grey"),
        (LAND_PREREVIEW, _("Land pre-review (土地预审)"), "grey"),
        (ENVIRONMENTAL_ASSESSMENT, _("Environmental assessment (环评)"), "grey"),
        (FEASIBILITY, _("Feasibility study (工可)"), "grey"),
        (PRELIMINARY_DESIGN, _("Preliminary design (初步设计)"), "grey"),
        (START, _("Start of works (开工)"), "blue"),
        (COMPLETION, _("Completion (完工)"), "teal"),
        (ACCEPTANCE, _("Acceptance (验收)"), "green"),
    )
    STAGE = {
        LAND_ACQUISITION: 0,
        LAND_PREREVIEW: 0,
        ENVIRONMENTAL_ASSESSMENT: 0,
        FEASIBILITY: 0,
        PRELIMINARY_DESIGN: 0,
        START: 1,
        COMPLETION: 2,
        ACCEPTANCE: 3,
    }


class TaskStatus(ChoiceSet):
    """A responsibility task's status; overdue is not a status but a deadline passed while open."""

    badge = "task_status"
    OPEN = "open"
    DONE = "done"
    CHOICES = (
        (OPEN, _("In progress"), "blue"),
        (DONE, _("Done"), "green"),
    )


class Industry(ChoiceSet):
    """The polluting industries the speech names for remediation."""

    badge = "industry"
    METAL_SURFACE = "metal_surface"
    CIRCUIT_BOARD = "circuit_board"
    SYNTHETIC_LEATHER = "synthetic_leather"
    CASTING = "casting"
    LIVESTOCK = "livestock"
    FOUR_NO = "four_no"
    CHOICES = (
        (METAL_SURFACE, _("Metal surface treatment (金属表面处理)"), "grey"),
        (CIRCUIT_BOARD, _("Circuit boards (线路板)"), "teal"),
        (SYNTHETIC_LEATHER, _("Synthetic leather (合成革)"), "brown"),
        (CASTING, _("Casting (铸造)"), "orange"),
        (LIVESTOCK, _("Livestock farm (养殖场)"), "green"),
        (FOUR_NO, _("'Four-no' workshop (四无)"), "red"),
    )


class RemediationPlan(ChoiceSet):
    badge = "remediation_plan"
    IN_PLACE = "in_place"
    CLOSE = "close"
    CHOICES = (
        (IN_PLACE, _("Remediate in place (原地整治提升)"), "blue"),
        (CLOSE, _("Close and eliminate (关停淘汰)"), "red"),
    )


class RemediationStatus(ChoiceSet):
    """Where an enterprise's remediation stands. An enterprise that fails in-place remediation by its
    deadline is ordered closed (逾期未达到整治要求的企业依法责令停业、关闭)."""

    badge = "remediation_status"
    IN_PROGRESS = "in_progress"
    REMEDIATED = "remediated"
    CLOSED = "closed"
    CHOICES = (
        (IN_PROGRESS, _("In progress"), "orange"),
        (REMEDIATED, _("Remediated"), "green"),
        (CLOSED, _("Closed"), "grey"),
    )
    RESOLVED = (REMEDIATED, CLOSED)
