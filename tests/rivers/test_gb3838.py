"""GB 3838-2002 classification, table-driven: each row one sample and its expected verdict."""

import pytest

from rivers import gb3838
from rivers.gb3838 import HEAVY, II, III, IV, LIGHT, MODERATE, WORSE_THAN_V, I, V, classify, grade

# (values, lake, expected class, expected determining indicators)
CASES = [
    # A limit value belongs to its class.
    ({"nh3n": 1.0}, False, III, ("nh3n",)),
    ({"nh3n": 1.0001}, False, IV, ("nh3n",)),
    ({"nh3n": 0.15}, False, I, ("nh3n",)),
    ({"nh3n": 2.0}, False, V, ("nh3n",)),
    ({"nh3n": 2.01}, False, WORSE_THAN_V, ("nh3n",)),
    # DO is "at least": more oxygen is better; exactly the limit belongs to the class.
    ({"do": 7.5}, False, I, ("do",)),
    ({"do": 7.49}, False, II, ("do",)),
    ({"do": 5}, False, III, ("do",)),
    ({"do": 2}, False, V, ("do",)),
    ({"do": 1.99}, False, WORSE_THAN_V, ("do",)),
    # COD and BOD5 share the limit of classes I and II: the better class wins.
    ({"cod": 15}, False, I, ("cod",)),
    ({"bod5": 3}, False, I, ("bod5",)),
    ({"cod": 40.5}, False, WORSE_THAN_V, ("cod",)),
    ({"codmn": 6}, False, III, ("codmn",)),
    # The worst indicator sets the class; several may set it together.
    ({"do": 8, "codmn": 3, "nh3n": 1.2, "tp": 0.15}, False, IV, ("nh3n",)),
    ({"do": 4, "nh3n": 1.2, "tp": 0.05}, False, IV, ("do", "nh3n")),
    # TP: rivers and lakes differ.
    ({"tp": 0.1}, False, II, ("tp",)),
    ({"tp": 0.1}, True, IV, ("tp",)),
    ({"tp": 0.25}, True, WORSE_THAN_V, ("tp",)),
    ({"tp": 0.025}, True, II, ("tp",)),
    # TN sets the class of lakes and reservoirs only.
    ({"tn": 5.0, "nh3n": 0.4}, False, II, ("nh3n",)),
    ({"tn": 5.0, "nh3n": 0.4}, True, WORSE_THAN_V, ("tn",)),
    ({"tn": 1.0}, True, III, ("tn",)),
    # Missing indicators are not evaluated; pH and temperature set no class.
    ({"ph": 7.2, "temperature": 20}, False, None, ()),
    ({}, False, None, ()),
    ({"nh3n": None, "cod": 18}, False, III, ("cod",)),
    ({"ph": 9.5, "nh3n": 0.3}, False, II, ("nh3n",)),
]


@pytest.mark.parametrize(("values", "lake", "expected", "determining"), CASES)
def test_classification(values, lake, expected, determining):
    evaluation = classify(values, lake=lake)
    assert evaluation.water_class == expected
    assert evaluation.determining == determining


@pytest.mark.parametrize(("ph", "flagged"), [(6.0, False), (9.0, False), (5.99, True), (9.01, True), (None, False)])
def test_ph_outside_six_to_nine_is_flagged(ph, flagged):
    assert classify({"ph": ph, "nh3n": 0.3}).ph_out_of_range is flagged


# (values, lake, target, expected exceedances)
EXCEEDANCES = [
    ({"nh3n": 3.0}, False, III, {"nh3n": 2.0}),  # (3 - 1) / 1
    ({"nh3n": 1.0}, False, III, {}),  # at the limit: not exceeding
    ({"cod": 30, "tp": 0.3}, False, IV, {}),
    ({"cod": 45, "tp": 0.3}, False, IV, {"cod": 0.5}),
    ({"tp": 0.15}, True, III, {"tp": 2.0}),  # lake TP III limit 0.05
    ({"do": 1.0}, False, III, {"do": None}),  # DO exceeds but has no multiple
    ({"tn": 3.0}, False, III, {}),  # rivers: TN not evaluated
    ({"nh3n": 1.2}, False, None, {}),  # no target, no exceedance
]


@pytest.mark.parametrize(("values", "lake", "target", "expected"), EXCEEDANCES)
def test_exceedance_multiples_over_the_target_limit(values, lake, target, expected):
    assert classify(values, lake=lake, target=target).exceedances == expected


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("nh3n", -0.1, "negative"),
        ("ph", 14.5, "between 0 and 14"),
        ("ph", -1, "between 0 and 14"),
        ("cod", "abc", "number"),
        ("cod", float("nan"), "finite"),
        ("cod", True, "number"),
        ("mercury", 1, "Unknown indicator"),
    ],
)
def test_impossible_values_are_refused_with_the_indicator_named(code, value, message):
    with pytest.raises(gb3838.ImpossibleValue, match=message) as caught:
        gb3838.check_value(code, value)
    assert caught.value.field == code


def test_possible_values_pass():
    assert gb3838.check_value("ph", "7.5") == 7.5
    assert gb3838.check_value("temperature", -1.5) == -1.5
    assert gb3838.check_value("nh3n", 0) == 0.0


def _sections(classes):
    return [(water_class, {}) for water_class in classes]


# (classes of the sections, expected status): more than five sections, the class-proportion method.
PROPORTIONS = [
    ([II] * 9 + [IV], "excellent"),  # 90 % I–III
    ([II] * 8 + [IV] * 2, "good"),  # 80 %
    ([III] * 3 + [IV] * 1, None),  # ≤ 5: not by proportion (tested below)
    ([III] * 6 + [IV] * 3 + [WORSE_THAN_V], LIGHT),  # 60 %, 劣V 10 %
    ([III] * 5 + [IV] + [WORSE_THAN_V] * 2 + [V] * 2, MODERATE),  # 劣V 20 %
    ([III] * 3 + [V] * 3 + [WORSE_THAN_V] * 4, HEAVY),  # 劣V 40 %
]


@pytest.mark.parametrize(("classes", "expected"), [case for case in PROPORTIONS if case[1] is not None])
def test_grading_more_than_five_sections_by_class_proportion(classes, expected):
    result = grade(_sections(classes))
    assert result.method == "proportion"
    assert result.status == expected


def test_grading_five_sections_or_fewer_by_the_mean_concentrations():
    sections = [(IV, {"nh3n": 1.4}), (WORSE_THAN_V, {"nh3n": 2.6}), (III, {"nh3n": 0.8})]
    result = grade(sections)  # mean NH3-N 1.6: class V
    assert (result.method, result.mean_class, result.status) == ("mean", V, MODERATE)
    assert grade([(II, {"nh3n": 0.3})]).status == "excellent"
    assert grade([]).status is None
    assert grade([(None, {})]).sections == 0
