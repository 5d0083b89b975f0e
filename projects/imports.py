"""Projects and their annual plans from a workbook (the template of :func:`template_bytes`).

All or nothing: every row is read and checked by the models' own rules first; a single refused row
and nothing is written, and the report says, row by row, what was refused. A project already
present (by code) is updated; a plan (project, year) too, its targets replaced by the workbook's.
"""

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from projects.choices import MeasureUnit, ProjectSubtype, WaterCategory
from projects.models import AnnualPlan, PlanTarget, Project
from wushui.choices import RegionLevel
from wushui.models import Region, Unit

PROJECT_SHEET = "Projects"
PLAN_SHEET = "Plans"
PROJECT_COLUMNS = (
    ("code", "code 项目编号"),
    ("name", "name 项目名称"),
    ("category", "category 类别"),
    ("subtype", "kind of works 子类"),
    ("owner_unit", "owner unit 业主单位"),
    ("lead_department", "lead department 牵头部门"),
    ("streets", "streets 涉及街道"),
    ("is_key", "key project 重点项目"),
    ("total_investment", "total investment 总投资(万元)"),
    ("start_year", "first year 开始年份"),
    ("end_year", "last year 结束年份"),
    ("location", "location 位置"),
)
PLAN_COLUMNS = (
    ("project", "project code 项目编号"),
    ("year", "year 年度"),
    ("investment", "planned investment 年度计划投资(万元)"),
    ("measure", "target measure 形象进度指标"),
    ("unit", "target unit 单位"),
    ("quantity", "target quantity 目标数量"),
)
EXAMPLE_PROJECT = (
    "WSGZ-2022-001",
    "瓯江标准海塘提升改造工程",
    "防洪水",
    "海塘",
    "区城市东片防洪工程建设指挥部",
    "区水利局",
    "海滨街道、星海街道",
    "是",
    "120000",
    2022,
    2025,
    "瓯江口南岸",
)
EXAMPLE_PLAN = ("WSGZ-2022-001", 2022, "20000", "海塘提升", "公里", "3.5")
# Rows of a workbook this page reads at most: a district's projects are thousands, not more.
MAX_ROWS = 20000
YES = {"是", "yes", "y", "true", "1", "重点"}
NO = {"否", "no", "n", "false", "0", ""}


@dataclass
class RowReport:
    sheet: str
    row: int
    errors: list


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)  # RowReport of refused rows
    projects: int = 0
    plans: int = 0
    read: int = 0

    @property
    def ok(self):
        return not self.rows


def _lookup(choice_set):
    """A choice by its value, its whole label or the Chinese in its label's brackets."""
    table = {}
    for value, label in choice_set.choices():
        table[value.lower()] = value
        table[str(label).lower()] = value
        match = re.search(r"\(([^)]+)\)", str(label))
        if match:
            table[match.group(1).lower()] = value
    return table


UNIT_WORDS = {
    "公里": MeasureUnit.KM,
    "万方": MeasureUnit.WAN_M3,
    "亩": MeasureUnit.MU,
    "个": MeasureUnit.COUNT,
    "处": MeasureUnit.COUNT,
    "座": MeasureUnit.COUNT,
    "万吨/日": MeasureUnit.WAN_TONNES_PER_DAY,
}


def template_bytes():
    """The template workbook: the two sheets with their headings and an example row each."""
    workbook = Workbook()
    projects = workbook.active
    projects.title = PROJECT_SHEET
    projects.append([heading for _name, heading in PROJECT_COLUMNS])
    projects.append(list(EXAMPLE_PROJECT))
    plans = workbook.create_sheet(PLAN_SHEET)
    plans.append([heading for _name, heading in PLAN_COLUMNS])
    plans.append(list(EXAMPLE_PLAN))
    guide = workbook.create_sheet("Guide 说明")
    guide.append(["category 类别", *[str(label) for _value, label in WaterCategory.choices()]])
    guide.append(["kind of works 子类", *[str(label) for _value, label in ProjectSubtype.choices()]])
    guide.append(["target unit 单位", *UNIT_WORDS, *[value for value in MeasureUnit.values()]])
    guide.append(["streets 涉及街道", "、 or , between streets"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _rows(workbook, sheet, columns, result):
    if sheet not in workbook.sheetnames:
        result.rows.append(RowReport(sheet, 0, [_("The sheet %(sheet)s is missing.") % {"sheet": sheet}]))
        return []
    rows = []
    for number, values in enumerate(workbook[sheet].iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS:
            result.rows.append(RowReport(sheet, number, [_("More rows than %(max)s.") % {"max": MAX_ROWS}]))
            break
        if values is None or all(value in (None, "") for value in values):
            continue
        values = list(values) + [None] * len(columns)
        rows.append((number, {name: values[index] for index, (name, _heading) in enumerate(columns)}))
    return rows


def _text(value):
    return "" if value is None else str(value).strip()


def _decimal(value, errors, label):
    try:
        return Decimal(_text(value))
    except InvalidOperation:
        errors.append(_("%(column)s: not a number (%(value)s).") % {"column": label, "value": _text(value)})
        return None


def _year(value, errors, label):
    try:
        return int(Decimal(_text(value)))
    except (InvalidOperation, ValueError):
        errors.append(_("%(column)s: not a year (%(value)s).") % {"column": label, "value": _text(value)})
        return None


def _messages(error):
    return [
        f"{name}: {message}" if name != "__all__" else message
        for name, ms in error.message_dict.items()
        for message in ms
    ]


def import_workbook(upload):
    """Read, check and, when every row is right, write. Returns an :class:`ImportResult`."""
    result = ImportResult()
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        result.rows.append(RowReport("", 0, [_("This file is not an .xlsx workbook.")]))
        return result
    categories, subtypes = _lookup(WaterCategory), _lookup(ProjectSubtype)
    units = {}
    for unit in Unit.objects.all():
        units[unit.name] = unit
        if unit.short_name:
            units.setdefault(unit.short_name, unit)
    streets = {region.name: region for region in Region.objects.filter(level=RegionLevel.STREET).defer("boundary")}
    for region in list(streets.values()):
        streets.setdefault(region.name.removesuffix("街道"), region)
    existing = {project.code: project for project in Project.objects.defer("geometry")}

    projects = {}
    for number, row in _rows(workbook, PROJECT_SHEET, PROJECT_COLUMNS, result):
        result.read += 1
        errors = []
        code = _text(row["code"])
        project = existing.get(code) or Project(code=code)
        project.name = _text(row["name"])
        project.category = categories.get(_text(row["category"]).lower(), _text(row["category"]))
        project.subtype = subtypes.get(_text(row["subtype"]).lower(), _text(row["subtype"]))
        for column in ("owner_unit", "lead_department"):
            unit = units.get(_text(row[column]))
            if unit is None:
                errors.append(_("%(column)s: no unit named %(name)s.") % {"column": column, "name": _text(row[column])})
            else:
                setattr(project, column, unit)
        named = [name.strip() for name in re.split(r"[、,，;；\n]+", _text(row["streets"])) if name.strip()]
        unknown = [name for name in named if name not in streets]
        if unknown:
            errors.append(_("streets: no street named %(names)s.") % {"names": "、".join(unknown)})
        key = _text(row["is_key"]).lower()
        if key not in YES | NO:
            errors.append(_("key project: answer 是 or 否."))
        project.is_key = key in YES
        project.total_investment = _decimal(row["total_investment"], errors, "total investment")
        project.start_year = _year(row["start_year"], errors, "first year")
        project.end_year = _year(row["end_year"], errors, "last year")
        project.location = _text(row["location"])
        if code in projects:
            errors.append(_("code: %(code)s appears twice.") % {"code": code})
        try:
            missing = [column for column in ("owner_unit", "lead_department") if units.get(_text(row[column])) is None]
            project.full_clean(exclude=missing, validate_unique=False)
        except ValidationError as error:
            errors += _messages(error)
        if errors:
            result.rows.append(RowReport(PROJECT_SHEET, number, errors))
        projects[code] = (project, [streets[name] for name in named if name in streets])

    plans = {}
    for number, row in _rows(workbook, PLAN_SHEET, PLAN_COLUMNS, result):
        result.read += 1
        errors = []
        code = _text(row["project"])
        project = projects.get(code, (existing.get(code), None))[0]
        if project is None:
            result.rows.append(
                RowReport(PLAN_SHEET, number, [_("project: no project coded %(code)s.") % {"code": code}])
            )
            continue
        year = _year(row["year"], errors, "year")
        investment = _decimal(row["investment"], errors, "planned investment")
        plan, targets = plans.get((code, year), (None, []))
        if plan is None:
            plan = AnnualPlan(project=project, year=year, investment=investment)
            try:
                plan.full_clean(exclude=["project"], validate_unique=False)
            except ValidationError as error:
                errors += _messages(error)
        elif investment != plan.investment:
            errors.append(_("planned investment: the rows of %(code)s %(year)s differ.") % {"code": code, "year": year})
        measure = _text(row["measure"])
        if measure:
            unit_text = _text(row["unit"])
            unit = UNIT_WORDS.get(unit_text, unit_text)
            target = PlanTarget(
                plan=plan, measure=measure, unit=unit, quantity=_decimal(row["quantity"], errors, "quantity")
            )
            try:
                target.full_clean(exclude=["plan"], validate_unique=False)
            except ValidationError as error:
                errors += _messages(error)
            targets.append(target)
        if errors:
            result.rows.append(RowReport(PLAN_SHEET, number, errors))
        plans[(code, year)] = (plan, targets)
    totals = {}
    for (code, _year_value), (plan, _targets) in plans.items():
        totals[code] = totals.get(code, Decimal(0)) + (plan.investment or 0)
    for code, total in totals.items():
        project = projects.get(code, (existing.get(code), None))[0]
        if project.total_investment is not None and total > project.total_investment:
            result.rows.append(
                RowReport(
                    PLAN_SHEET,
                    0,
                    [_("%(code)s: the annual plans add up to more than the total investment.") % {"code": code}],
                )
            )
    if result.rows:
        return result
    with transaction.atomic():
        for project, region_list in projects.values():
            project.save()
            project.streets.set(region_list)
            result.projects += 1
        for (code, year), (plan, targets) in plans.items():
            project = projects.get(code, (existing.get(code), None))[0]
            stored, _created = AnnualPlan.objects.update_or_create(
                project=project, year=year, defaults={"investment": plan.investment}
            )
            if targets:
                stored.targets.exclude(measure__in=[t.measure for t in targets]).filter(reported__isnull=True).delete()
                for target in targets:
                    PlanTarget.objects.update_or_create(
                        plan=stored, measure=target.measure, unit=target.unit, defaults={"quantity": target.quantity}
                    )
            stored.refresh_completed()
            result.plans += 1
    return result
