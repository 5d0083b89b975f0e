"""Surface-water classification by GB 3838-2002 Table 1 (地表水环境质量标准) — pure, no database.

The rules (docs/REFERENCE: GB 3838-2002 and the evaluation method 环办〔2011〕22号):

- a sample's class is the class of its worst evaluated indicator (single-factor evaluation);
- dissolved oxygen is "at least", every other limit "at most"; a value equal to a limit belongs to
  that limit's class (NH3-N of exactly 1.0 is class III);
- lakes and reservoirs have their own, tighter total-phosphorus limits, and total nitrogen sets
  the class of lakes and reservoirs only (for rivers it is shown, never evaluated);
- worse than the class V limit is 劣V (class 6 here);
- pH must lie within 6–9 for every class: outside it is flagged, it does not set a class;
- the exceedance multiple (超标倍数) of an indicator is ``(value - limit) / limit`` over the target
  class's limit; pH, dissolved oxygen and water temperature have none (the method computes none for
  them), though DO below its target limit still counts as exceeding.

Indicators without limits here (temperature, conductivity, turbidity, …) are kept on a sample and
simply not evaluated; adding an indicator is a row of :data:`INDICATORS`, no schema change.

Grading a river or a basin (:func:`grade`): with more than five sections, the class-proportion
method (share of I–III ≥ 90 % 优, ≥ 75 % 良好, below that by the 劣V share: < 20 % 轻度污染,
< 40 % 中度污染, else 重度污染); with five or fewer, the class of the sections' mean concentrations
and its status (I–II 优, III 良好, IV 轻度, V 中度, 劣V 重度污染).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

I, II, III, IV, V, WORSE_THAN_V = 1, 2, 3, 4, 5, 6  # noqa: E741 - the standard's own names
CLASSES = (I, II, III, IV, V, WORSE_THAN_V)
CLASS_NAMES = {I: "I", II: "II", III: "III", IV: "IV", V: "V", WORSE_THAN_V: "劣V"}

PH_RANGE = (6.0, 9.0)
# What a measurement may be at all: pH is a logarithm of 0–14; concentrations are never negative.
PH_POSSIBLE = (0.0, 14.0)

# Who a limit applies to.
ALL = "all"
LAKES = "lakes"  # lakes and reservoirs only
NONE = "none"  # kept and shown, never evaluated


@dataclass(frozen=True)
class Indicator:
    """One indicator of a sample: its limits for classes I–V (``None``: not classified by limits)."""

    code: str
    label: str
    unit: str = "mg/L"
    at_least: bool = False  # DO: the value must reach the limit
    limits: tuple | None = None
    lake_limits: tuple | None = None  # lakes and reservoirs, where they differ
    evaluated_for: str = ALL
    has_multiple: bool = True  # 超标倍数 computed
    hj212: str = ""  # HJ 212-2017 water factor code

    def limits_for(self, lake):
        return self.lake_limits if lake and self.lake_limits else self.limits

    def evaluated(self, lake):
        if self.limits is None or self.evaluated_for == NONE:
            return False
        return self.evaluated_for == ALL or (self.evaluated_for == LAKES and lake)

    def class_of(self, value, lake=False):
        """The class this value alone meets (1–6); a limit value belongs to its class."""
        limits = self.limits_for(lake)
        for water_class, limit in zip(CLASSES, limits, strict=False):
            if (value >= limit) if self.at_least else (value <= limit):
                return water_class
        return WORSE_THAN_V

    def limit(self, water_class, lake=False):
        if water_class not in (I, II, III, IV, V):
            return None
        return self.limits_for(lake)[water_class - 1]


INDICATORS = {
    indicator.code: indicator
    for indicator in (
        Indicator(
            "do", _("Dissolved oxygen"), at_least=True, limits=(7.5, 6, 5, 3, 2), has_multiple=False, hj212="w01009"
        ),
        Indicator("codmn", _("Permanganate index"), limits=(2, 4, 6, 10, 15), hj212="w01019"),
        Indicator("cod", _("Chemical oxygen demand"), limits=(15, 15, 20, 30, 40), hj212="w01018"),
        Indicator("bod5", _("Five-day biochemical oxygen demand"), limits=(3, 3, 4, 6, 10), hj212="w01017"),
        Indicator("nh3n", _("Ammonia nitrogen"), limits=(0.15, 0.5, 1.0, 1.5, 2.0), hj212="w21003"),
        Indicator(
            "tp",
            _("Total phosphorus"),
            limits=(0.02, 0.1, 0.2, 0.3, 0.4),
            lake_limits=(0.01, 0.025, 0.05, 0.1, 0.2),
            hj212="w21011",
        ),
        Indicator("tn", _("Total nitrogen"), limits=(0.2, 0.5, 1.0, 1.5, 2.0), evaluated_for=LAKES, hj212="w21001"),
        Indicator("ph", _("pH"), unit="", has_multiple=False, hj212="w01001"),
        Indicator("temperature", _("Water temperature"), unit="°C", has_multiple=False, hj212="w01010"),
        Indicator("conductivity", _("Conductivity"), unit="μS/cm", hj212="w01014"),
        Indicator("turbidity", _("Turbidity"), unit="NTU", hj212="w01003"),
    )
}
# The indicators that set a class, in the order of GB 3838 Table 1 (the order of pages and templates).
CLASSIFYING = tuple(code for code, indicator in INDICATORS.items() if indicator.limits is not None)
BY_HJ212 = {indicator.hj212: indicator for indicator in INDICATORS.values() if indicator.hj212}
# The indicators whose means are kept per month: those that classify, and pH.
AVERAGED = (*CLASSIFYING, "ph")


class ImpossibleValue(ValueError):
    """A value no measurement can have; ``field`` names the indicator."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def check_value(code, value):
    """Refuse what no measurement can be: an unknown indicator, not a finite number, a negative
    concentration, a pH outside 0–14. Returns the value as a float."""
    if code not in INDICATORS:
        raise ImpossibleValue(code, _("Unknown indicator %(code)s.") % {"code": code})
    if isinstance(value, bool):
        raise ImpossibleValue(code, _("Enter a number."))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ImpossibleValue(code, _("Enter a number.")) from None
    if not math.isfinite(number):
        raise ImpossibleValue(code, _("Enter a finite number."))
    if code == "ph":
        if not PH_POSSIBLE[0] <= number <= PH_POSSIBLE[1]:
            raise ImpossibleValue(code, _("A pH lies between 0 and 14."))
    elif code != "temperature" and number < 0:
        raise ImpossibleValue(code, _("A concentration cannot be negative."))
    return number


@dataclass(frozen=True)
class Evaluation:
    """The verdict on one sample."""

    water_class: int | None  # None: nothing evaluated
    determining: tuple  # the indicators whose class is the sample's
    classes: dict  # code -> class of each evaluated indicator
    exceedances: dict  # code -> 超标倍数 over the target limit (None where the method computes none)
    ph_out_of_range: bool = False
    evaluated: tuple = field(default=())

    @property
    def is_worse_than_v(self):
        return self.water_class == WORSE_THAN_V


def classify(values: Mapping, *, lake=False, target=None):
    """Classify ``values`` (code -> number; ``None`` or absent: not measured). ``lake``: a lake or
    reservoir station; ``target``: the station's target class, for the exceedances."""
    classes = {}
    exceedances = {}
    for code in CLASSIFYING:
        value = values.get(code)
        if value is None:
            continue
        indicator = INDICATORS[code]
        if not indicator.evaluated(lake):
            continue
        water_class = indicator.class_of(value, lake)
        classes[code] = water_class
        if target is not None and water_class > target:
            limit = indicator.limit(target, lake)
            exceedances[code] = round((value - limit) / limit, 3) if indicator.has_multiple and limit else None
    ph = values.get("ph")
    ph_out = ph is not None and not PH_RANGE[0] <= ph <= PH_RANGE[1]
    if not classes:
        return Evaluation(None, (), {}, {}, ph_out, ())
    worst = max(classes.values())
    determining = tuple(code for code in CLASSIFYING if classes.get(code) == worst)
    return Evaluation(worst, determining, classes, exceedances, ph_out, tuple(classes))


# --- Grading a river or a basin ------------------------------------------------------------------------

EXCELLENT = "excellent"  # 优
GOOD = "good"  # 良好
LIGHT = "light"  # 轻度污染
MODERATE = "moderate"  # 中度污染
HEAVY = "heavy"  # 重度污染
STATUS_LABELS = {
    EXCELLENT: _("Excellent"),
    GOOD: _("Good"),
    LIGHT: _("Lightly polluted"),
    MODERATE: _("Moderately polluted"),
    HEAVY: _("Heavily polluted"),
}
# Five sections or fewer: the status of the class of the mean concentrations.
STATUS_OF_CLASS = {I: EXCELLENT, II: EXCELLENT, III: GOOD, IV: LIGHT, V: MODERATE, WORSE_THAN_V: HEAVY}
PROPORTION_METHOD_ABOVE = 5


@dataclass(frozen=True)
class Grade:
    """A river's or basin's water-quality status from its sections."""

    status: str | None
    method: str  # "proportion" or "mean"
    sections: int
    share_i_to_iii: float | None = None
    share_worse_than_v: float | None = None
    mean_class: int | None = None

    @property
    def label(self):
        return STATUS_LABELS.get(self.status, "")


def grade(sections: Iterable, *, lake=False):
    """Grade from ``sections``: each a ``(class, values)`` pair for the period (the class of the
    section's mean values and those means). Sections without a class are left out."""
    sections = [(water_class, values) for water_class, values in sections if water_class is not None]
    count = len(sections)
    if not count:
        return Grade(None, "none", 0)
    if count > PROPORTION_METHOD_ABOVE:
        good = sum(1 for water_class, _values in sections if water_class <= III) / count
        worst = sum(1 for water_class, _values in sections if water_class == WORSE_THAN_V) / count
        if good >= 0.9:
            status = EXCELLENT
        elif good >= 0.75:
            status = GOOD
        elif worst < 0.2:
            status = LIGHT
        elif worst < 0.4:
            status = MODERATE
        else:
            status = HEAVY
        return Grade(status, "proportion", count, round(good, 4), round(worst, 4))
    means = {}
    for code in CLASSIFYING:
        measured = [values[code] for _class, values in sections if values.get(code) is not None]
        if measured:
            means[code] = sum(measured) / len(measured)
    mean_class = classify(means, lake=lake).water_class
    return Grade(STATUS_OF_CLASS.get(mean_class), "mean", count, mean_class=mean_class)
