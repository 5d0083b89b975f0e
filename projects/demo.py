"""Demo five-waters work: for ``seed_demo`` Longwan's projects, tasks and enterprises as the speech
names them (``seed_projects``), through the product's own services; for ``grow_district`` a city's
worth of them with two years of monthly reports (``grow_projects``, a step of ``demo.scale``),
their derived figures computed by the same rules and written in batches.

The speech's year is 2022; the demo puts its deadlines in the current year, so that the pages show
a year under way: reports up to last month, most projects on schedule, some behind.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from projects import services
from projects.choices import (
    Industry,
    MeasureUnit,
    MilestoneKind,
    ProjectSubtype,
    RemediationPlan,
    RemediationStatus,
    TaskStatus,
    WaterCategory,
)
from projects.models import (
    AnnualPlan,
    Enterprise,
    EnterpriseInspection,
    Milestone,
    PlanTarget,
    ProgressReport,
    Project,
    ReportQuantity,
    ResponsibilityLetter,
    ResponsibilityTask,
    TaskUpdate,
)
from projects.models.enterprises import default_deadline
from wushui import periods
from wushui.bulk import insert_objects
from wushui.choices import Domain, RegionLevel, Role, UnitKind
from wushui.models import Region, Unit, User

CENT = Decimal("0.01")
DEMO_PASSWORD = "wushui-demo"
# The demo logins of the projects domain (README, Demo logins).
OWNER_LOGIN = "owner_east"
WATER_BUREAU_LOGIN = "dept_water"


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    category: str
    subtype: str
    owner: str
    lead: str
    streets: tuple
    total: int  # 万元
    plan: int  # this year's plan, 万元
    is_key: bool = False
    targets: tuple = ()  # (measure, unit, quantity)
    milestones: tuple = ()  # (kind, month, day)
    pace: float = 1.0  # how fast it reports against its plan: below 1 lags


EAST_HQ = "区城市东片防洪工程建设指挥部"
WATER = "区水利局"
PROJECTS = (
    ProjectSpec(
        "WSGZ-01",
        "瓯江标准海塘提升改造工程",
        WaterCategory.FLOOD,
        ProjectSubtype.SEAWALL,
        EAST_HQ,
        WATER,
        ("海滨街道", "星海街道"),
        158000,
        18000,
        True,
        (("海塘提升", MeasureUnit.KM, "4.2"),),
        (
            (MilestoneKind.LAND_PREREVIEW, 4, 30),
            (MilestoneKind.ENVIRONMENTAL_ASSESSMENT, 6, 30),
            (MilestoneKind.FEASIBILITY, 7, 31),
            (MilestoneKind.PRELIMINARY_DESIGN, 10, 31),
            (MilestoneKind.START, 12, 20),
        ),
        0.8,
    ),
    ProjectSpec(
        "WSGZ-02",
        "温瑞平原东片排涝工程",
        WaterCategory.DRAINAGE,
        ProjectSubtype.DRAINAGE,
        EAST_HQ,
        WATER,
        ("永中街道", "海城街道", "沙城街道"),
        265000,
        30000,
        True,
        (("一期土地征用", MeasureUnit.MU, "860"),),
        ((MilestoneKind.LAND_ACQUISITION, 6, 15), (MilestoneKind.START, 9, 30)),
        0.55,
    ),
    ProjectSpec(
        "WSGZ-03",
        "永强垃圾焚烧发电厂提升改造工程",
        WaterCategory.SEWAGE,
        ProjectSubtype.OTHER,
        "区综合行政执法局",
        "区综合行政执法局",
        ("沙城街道",),
        42000,
        12000,
        True,
        (),
        ((MilestoneKind.START, 3, 1), (MilestoneKind.COMPLETION, 12, 31)),
    ),
    ProjectSpec(
        "WSGZ-04",
        "东片污水处理厂一级A提标改造",
        WaterCategory.SEWAGE,
        ProjectSubtype.SEWAGE_PLANT,
        "中心区管委会",
        "区住建局",
        ("星海街道",),
        26000,
        9000,
        True,
        (("污水处理率", MeasureUnit.PERCENT, "92"),),
        ((MilestoneKind.COMPLETION, 5, 31), (MilestoneKind.ACCEPTANCE, 8, 31)),
    ),
    ProjectSpec(
        "WSGZ-05",
        "特殊钢小微园",
        WaterCategory.SEWAGE,
        ProjectSubtype.SMALL_PARK,
        "区经信局",
        "区经信局",
        ("沙城街道",),
        36000,
        15000,
        True,
        (),
        ((MilestoneKind.START, 2, 28),),
        0.9,
    ),
    ProjectSpec(
        "WSGZ-06",
        "铸造小微园",
        WaterCategory.SEWAGE,
        ProjectSubtype.SMALL_PARK,
        "区经信局",
        "区经信局",
        ("天河街道",),
        28000,
        12000,
        True,
        (),
        ((MilestoneKind.START, 4, 30),),
        0.6,
    ),
    ProjectSpec(
        "WSGZ-07",
        "天马落河活水畅流工程",
        WaterCategory.SEWAGE,
        ProjectSubtype.WATER_FLOW,
        WATER,
        WATER,
        ("状元街道",),
        3200,
        1800,
        False,
        (),
        ((MilestoneKind.COMPLETION, 6, 30),),
    ),
    ProjectSpec(
        "WSGZ-08",
        "北山河活水畅流工程",
        WaterCategory.SEWAGE,
        ProjectSubtype.WATER_FLOW,
        WATER,
        WATER,
        ("瑶溪街道",),
        2800,
        1500,
        False,
        (),
        ((MilestoneKind.COMPLETION, 6, 30),),
    ),
    ProjectSpec(
        "WSGZ-09",
        "永昌片中横河活水畅流工程",
        WaterCategory.SEWAGE,
        ProjectSubtype.WATER_FLOW,
        WATER,
        WATER,
        ("永中街道",),
        4500,
        4500,
        False,
        (),
        ((MilestoneKind.START, 3, 31), (MilestoneKind.COMPLETION, 11, 30)),
    ),
    ProjectSpec(
        "WSGZ-10",
        "永强主塘河水岸同治·美丽水乡",
        WaterCategory.SEWAGE,
        ProjectSubtype.WATERFRONT,
        "区温瑞塘河管委会",
        "区温瑞塘河管委会",
        ("永中街道", "永兴街道", "海城街道"),
        18000,
        6000,
        True,
        (("滨水绿道", MeasureUnit.KM, "6"),),
        (),
    ),
    ProjectSpec(
        "WSGZ-11",
        "丰台水库工程",
        WaterCategory.SUPPLY,
        ProjectSubtype.RESERVOIR_SAFETY,
        WATER,
        WATER,
        ("天河街道",),
        9800,
        3600,
        False,
        (),
        ((MilestoneKind.COMPLETION, 5, 31),),
        0.7,
    ),
    ProjectSpec(
        "WSGZ-12",
        "范家岙山塘工程",
        WaterCategory.FLOOD,
        ProjectSubtype.RESERVOIR_SAFETY,
        WATER,
        WATER,
        ("瑶溪街道",),
        1600,
        900,
        False,
        (),
        ((MilestoneKind.COMPLETION, 5, 31),),
    ),
    ProjectSpec(
        "WSGZ-13",
        "瑶泷山塘除险加固工程",
        WaterCategory.FLOOD,
        ProjectSubtype.RESERVOIR_SAFETY,
        WATER,
        WATER,
        ("瑶溪街道",),
        1200,
        500,
        False,
        (),
        ((MilestoneKind.START, 5, 15),),
    ),
    ProjectSpec(
        "WSGZ-14",
        "龙岗寺山塘除险加固工程",
        WaterCategory.FLOOD,
        ProjectSubtype.RESERVOIR_SAFETY,
        WATER,
        WATER,
        ("海城街道",),
        1100,
        450,
        False,
        (),
        ((MilestoneKind.START, 5, 15),),
    ),
    ProjectSpec(
        "WSGZ-15",
        "水利工程标准化创建（双岙、瑶溪堤防、永兴围垦塘等8处）",
        WaterCategory.FLOOD,
        ProjectSubtype.STANDARDISATION,
        WATER,
        WATER,
        ("瑶溪街道", "永兴街道"),
        800,
        800,
        False,
        (("标准化创建工程", MeasureUnit.COUNT, "8"),),
        ((MilestoneKind.ACCEPTANCE, 12, 15),),
    ),
    ProjectSpec(
        "WSGZ-16",
        "截污纳管及“最后一米”纳管工程",
        WaterCategory.SEWAGE,
        ProjectSubtype.SEWER_CONNECTION,
        "区温瑞塘河管委会",
        "区温瑞塘河管委会",
        ("永中街道", "海城街道", "状元街道", "蒲州街道"),
        12000,
        12000,
        True,
        (("新建污水管网", MeasureUnit.KM, "35"),),
        (),
    ),
    ProjectSpec(
        "WSGZ-17",
        "河湖库塘清淤疏浚",
        WaterCategory.SEWAGE,
        ProjectSubtype.DREDGING,
        WATER,
        WATER,
        ("瑶溪街道", "状元街道", "蒲州街道", "天河街道"),
        3000,
        3000,
        False,
        (("清淤", MeasureUnit.WAN_M3, "30"), ("清淤河道", MeasureUnit.KM, "40")),
        (),
    ),
)

# (deadline month, day, task, category, target quantity, unit, responsible, supporting, streets)
# "streets" makes one task per street named, signed by that street's office.
ALL_STREETS = ("永中", "永兴", "海滨", "海城", "状元", "瑶溪", "蒲州", "沙城", "天河", "星海")
TASKS = (
    (
        5,
        31,
        "清理非法设置、设置不合理、整治后仍无法达标排放的入河排污（水）口；劣V类站位所在河道实现入河污染零直排",
        WaterCategory.SEWAGE,
        None,
        "",
        None,
        ("区生态环境分局",),
        ("瑶溪", "状元"),
    ),
    (5, 31, "完成村级防汛防台形势图编制完善", WaterCategory.FLOOD, None, "", None, ("区水利局",), ALL_STREETS),
    (
        6,
        15,
        "完成劣V类断面所在区域河道清淤",
        WaterCategory.SEWAGE,
        "5",
        MeasureUnit.WAN_M3,
        None,
        ("区综合行政执法局", "区水利局"),
        ("瑶溪", "状元"),
    ),
    (
        6,
        15,
        "完成劣V类断面所在区域河道清淤",
        WaterCategory.SEWAGE,
        "3",
        MeasureUnit.WAN_M3,
        None,
        ("区综合行政执法局", "区水利局"),
        ("蒲州",),
    ),
    (
        6,
        15,
        "完成温瑞平原东片排涝工程土地报征等所有前期工作",
        WaterCategory.DRAINAGE,
        None,
        "",
        None,
        (EAST_HQ,),
        ("永中", "海城", "沙城"),
    ),
    (
        6,
        30,
        "“四无”小作坊全面整治到位“零反彈”，其他“四无”生产经营单位整治完毕",
        WaterCategory.SEWAGE,
        None,
        "",
        None,
        ("区市场监管局",),
        ALL_STREETS,
    ),
    (
        6,
        30,
        "列入原地整治提升计划的企业全部完成整治",
        WaterCategory.SEWAGE,
        None,
        "",
        "区生态环境分局",
        ("区经信局",),
        (),
    ),
    (8, 31, "市控站位消除劣V类", WaterCategory.SEWAGE, None, "", None, ("区生态环境分局",), ("蒲州", "永中")),
    (
        8,
        31,
        "完成限期综合整治的排污（水）口治理",
        WaterCategory.SEWAGE,
        None,
        "",
        None,
        ("区生态环境分局",),
        ALL_STREETS,
    ),
    (12, 31, "区域范围内河道全面消除劣V类水体", WaterCategory.SEWAGE, None, "", None, ("区生态环境分局",), ALL_STREETS),
    (
        12,
        31,
        "完成工业园区和街道工业园区污水“零直排”整治",
        WaterCategory.SEWAGE,
        None,
        "",
        "区经信局",
        ("区生态环境分局",),
        (),
    ),
    (
        12,
        31,
        "列入关停淘汰计划的企业一律停产、关闭",
        WaterCategory.SEWAGE,
        None,
        "",
        "区经信局",
        ("区生态环境分局",),
        (),
    ),
    (
        12,
        31,
        "全面完成清淤疏浚任务",
        WaterCategory.SEWAGE,
        "30",
        MeasureUnit.WAN_M3,
        "区水利局",
        ("区综合行政执法局",),
        (),
    ),
    (
        12,
        31,
        "按期完成双岙、瑶溪堤防、永兴围垦塘等8处水利工程标准化建设",
        WaterCategory.FLOOD,
        "8",
        MeasureUnit.COUNT,
        "区水利局",
        (),
        (),
    ),
    (
        12,
        31,
        "东片污水处理厂处理率达到92%以上",
        WaterCategory.SEWAGE,
        "92",
        MeasureUnit.PERCENT,
        "区综合行政执法局",
        ("中心区管委会",),
        (),
    ),
)
EXTRA_UNITS = (("区市场监管局", "市场监管", UnitKind.DEPARTMENT, "市场主体监管、“四无”生产经营单位整治。"),)
ENTERPRISE_WORDS = ("金属制品", "电镀", "线路板", "合成革", "铸造", "养殖场", "加工作坊")
INDUSTRY_WORD = {
    Industry.METAL_SURFACE: "表面处理有限公司",
    Industry.CIRCUIT_BOARD: "电路板有限公司",
    Industry.SYNTHETIC_LEATHER: "合成革有限公司",
    Industry.CASTING: "铸造厂",
    Industry.LIVESTOCK: "生猪养殖场",
    Industry.FOUR_NO: "加工作坊",
}


def _user(username, name, unit, password):
    district = Region.objects.filter(level=RegionLevel.DISTRICT).first()
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "name": name,
            "role": Role.DEPARTMENT,
            "region": district,
            "unit": unit,
            "domain": Domain.PROJECTS,
            "password": password,
        },
    )
    return user


@transaction.atomic
def seed_projects(seed, today=None):
    """Longwan's projects, responsibility tasks and enterprises, with this year's reports up to
    today; the demo logins ``owner_east`` (the east flood works HQ, an owner unit) and ``dept_water``
    (the water bureau's projects user). Safe to run again: what exists is left as it is. Returns the
    number of rows created."""
    today = today or periods.local_date()
    year = today.year
    rng = random.Random(f"{seed}:projects")
    created = 0
    for name, short_name, kind, duties in EXTRA_UNITS:
        created += Unit.objects.get_or_create(
            name=name, defaults={"short_name": short_name, "kind": kind, "duties": duties}
        )[1]
    units = {unit.name: unit for unit in Unit.objects.all()}
    streets = {region.name: region for region in Region.objects.filter(level=RegionLevel.STREET).defer("boundary")}
    stored = User.objects.filter(username="admin").values_list("password", flat=True).first()
    password = stored or make_password(DEMO_PASSWORD)
    owner = _user(OWNER_LOGIN, "东片防洪指挥部填报员", units[EAST_HQ], password)
    water = _user(WATER_BUREAU_LOGIN, "水利局项目科", units[WATER], password)
    reporters = {EAST_HQ: owner}
    for spec in PROJECTS:
        project, new = Project.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "category": spec.category,
                "subtype": spec.subtype,
                "owner_unit": units[spec.owner],
                "lead_department": units[spec.lead],
                "is_key": spec.is_key,
                "total_investment": spec.total,
                "start_year": year - 1,
                "end_year": year + 2,
            },
        )
        if not new:
            continue
        created += 1
        project.full_clean()
        project.streets.set([streets[name] for name in spec.streets if name in streets])
        AnnualPlan.objects.create(project=project, year=year - 1, investment=money(spec.plan * 0.6))
        plan = AnnualPlan.objects.create(project=project, year=year, investment=spec.plan)
        targets = [
            PlanTarget.objects.create(plan=plan, measure=measure, unit=unit, quantity=Decimal(quantity))
            for measure, unit, quantity in spec.targets
        ]
        for kind, month, day in spec.milestones:
            planned = datetime.date(year, month, day)
            services.set_milestone(project, kind, planned_date=planned)
            if planned < today and rng.random() < spec.pace:
                reached = min(today, planned + datetime.timedelta(days=rng.randint(-10, 3)))
                services.set_milestone(project, kind, actual_date=reached)
        reporter = reporters.get(spec.owner, water)
        # The year before, reported whole; this year up to last month, at the project's pace.
        for month_year, last_month, share in ((year - 1, 12, 0.6), (year, today.month - 1, 1.0)):
            for month in range(1, last_month + 1):
                expected = Decimal(spec.plan * share) / 12 * Decimal(spec.pace) * Decimal(rng.uniform(0.6, 1.4))
                quantities = {
                    target.pk: money(target.quantity / 12 * Decimal(spec.pace) * Decimal(rng.uniform(0.5, 1.2)))
                    for target in targets
                    if month_year == year
                }
                services.file_report(
                    reporter,
                    project,
                    services.ReportInput(
                        month=datetime.date(month_year, month, 1),
                        investment=money(expected),
                        quantities=quantities,
                        notes="按计划推进" if spec.pace >= 0.9 else "受政策处理影响，进度滞后",
                    ),
                )
    created += _seed_tasks(year, today, units, rng)
    created += _seed_enterprises(year, today, streets, water, rng)
    return created


def _seed_tasks(year, today, units, rng):
    created = 0
    signed_on = datetime.date(year, 2, 20)
    admin = User.objects.filter(username="admin").first()
    for month, day, text, category, quantity, unit_code, responsible, supporting, street_names in TASKS:
        deadline = datetime.date(year, month, day)
        if street_names:
            places = [
                (units[f"{street}街道办事处"], Region.objects.filter(name=f"{street}街道").first())
                for street in street_names
            ]
        else:
            places = [(units[responsible], None)]
        for responsible_unit, region in places:
            letter, _new = ResponsibilityLetter.objects.get_or_create(
                year=year, unit=responsible_unit, defaults={"signed_on": signed_on}
            )
            task, new = ResponsibilityTask.objects.get_or_create(
                letter=letter,
                description=text,
                defaults={
                    "category": category,
                    "target_quantity": Decimal(quantity) if quantity else None,
                    "target_unit": unit_code,
                    "deadline": deadline,
                    "responsible_unit": responsible_unit,
                    "region": region,
                },
            )
            if not new:
                continue
            created += 1
            task.full_clean()
            task.supporting_units.set([units[name] for name in supporting])
            reporter = responsible_unit.users.first() or admin
            if deadline < today:
                done = rng.random() < 0.8
                on = min(today, deadline - datetime.timedelta(days=rng.randint(0, 20)))
                services.add_task_update(
                    reporter,
                    task,
                    reported_on=on,
                    note="已完成" if done else "正在推进，尚未完成",
                    quantity=task.target_quantity if done and task.target_quantity else None,
                    marks_done=done,
                )
            elif rng.random() < 0.5 and today - datetime.timedelta(days=20) > signed_on:
                services.add_task_update(
                    reporter,
                    task,
                    reported_on=today - datetime.timedelta(days=rng.randint(1, 20)),
                    note="按计划推进",
                    quantity=(task.target_quantity / 3).quantize(CENT) if task.target_quantity else None,
                )
    return created


def _seed_enterprises(year, today, streets, inspector, rng):
    created = 0
    industries = Industry.values()
    for number in range(1, 41):
        # One generator per enterprise: a rerun draws the same names whatever exists already.
        rng = random.Random(f"{year}:enterprise:{number}")
        industry = industries[(number - 1) % len(industries)]
        street = list(streets.values())[number % len(streets)]
        plan = (
            RemediationPlan.CLOSE if industry == Industry.FOUR_NO or rng.random() < 0.25 else RemediationPlan.IN_PLACE
        )
        name = (
            f"{street.name.removesuffix('街道')}{rng.choice('东南西北新兴永金华')}{INDUSTRY_WORD[industry]}{number:02d}"
        )
        enterprise, new = Enterprise.objects.get_or_create(
            name=name,
            defaults={
                "industry": industry,
                "street": street,
                "plan": plan,
                "deadline": default_deadline(RemediationPlan.IN_PLACE if industry == Industry.FOUR_NO else plan, year),
                "address": f"{street.name}工业区{number}号",
            },
        )
        if not new:
            continue
        created += 1
        inspected_on = min(today, datetime.date(year, 3, 1) + datetime.timedelta(days=rng.randint(0, 120)))
        if inspected_on <= today:
            resolution = None
            if rng.random() < 0.6:
                resolution = RemediationStatus.CLOSED if plan == RemediationPlan.CLOSE else RemediationStatus.REMEDIATED
            services.record_inspection(
                inspector,
                enterprise,
                inspected_on=inspected_on,
                passed=resolution is not None or rng.random() < 0.3,
                notes="现场核查",
                resolution=resolution,
            )
    return created


# --- At scale, for ``manage.py grow_district`` -------------------------------------------------------------

PROJECTS_PER_SCALE = 3000
TASKS_PER_SCALE = 2000
ENTERPRISES_PER_SCALE = 1500
MONTHS = 24
BATCH = 2000
# Street-owned works (most of a district's projects) and the bigger district ones.
STREET_WORKS = (
    (WaterCategory.SEWAGE, ProjectSubtype.SEWER_CONNECTION, "截污纳管工程", MeasureUnit.KM, (2, 15)),
    (WaterCategory.SEWAGE, ProjectSubtype.DREDGING, "河道清淤工程", MeasureUnit.WAN_M3, (1, 8)),
    (WaterCategory.SEWAGE, ProjectSubtype.WATERFRONT, "水岸同治工程", MeasureUnit.KM, (1, 5)),
    (WaterCategory.DRAINAGE, ProjectSubtype.DRAINAGE, "排涝泵站工程", MeasureUnit.COUNT, (1, 3)),
    (WaterCategory.FLOOD, ProjectSubtype.RESERVOIR_SAFETY, "山塘除险加固工程", MeasureUnit.COUNT, (1, 2)),
    (WaterCategory.SUPPLY, ProjectSubtype.SUPPLY_WORKS, "农村供水提升工程", MeasureUnit.KM, (3, 20)),
    (WaterCategory.SAVING, ProjectSubtype.WATER_SAVING, "节水型社会建设", MeasureUnit.COUNT, (5, 30)),
)
MILESTONE_PLAN = ((MilestoneKind.FEASIBILITY, -60), (MilestoneKind.START, 0), (MilestoneKind.COMPLETION, 300))


def _window(today):
    """The 24 months of reports, ending with the current month: (first of each month)."""
    months = []
    month = today.replace(day=1)
    for _ in range(MONTHS):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def grow_projects(growth):
    """Five-waters projects of the grown streets with two years of monthly reports, responsibility
    tasks with their progress, and enterprises under remediation (a step of ``demo.scale``). The
    year-to-date figures, quantities done and next milestones are derived from the rows as the
    services derive them; reports never reach a month not begun, amounts are never negative."""
    offices = getattr(growth, "offices", {})
    streets = [growth.regions[code] for code in sorted(offices)]
    if not streets:
        return {}
    today = growth.today
    months = [month for month in _window(today) if month <= today]
    years = sorted({month.year for month in months})
    departments = list(Unit.objects.filter(kind__in=(UnitKind.DEPARTMENT, UnitKind.COMMITTEE, UnitKind.OWNER)))
    reporter = User.objects.filter(is_superuser=True).order_by("pk").first()
    count = growth.count(PROJECTS_PER_SCALE)
    ticker = growth.progress.start("projects", count)
    projects, street_links, plans_by_project, specs = [], [], {}, []
    for number in range(count):
        rng = growth.rng("project", number)
        street = streets[number % len(streets)]
        category, subtype, word, unit, (low, high) = rng.choice(STREET_WORKS)
        district_owned = rng.random() < 0.15
        owner = rng.choice(departments) if district_owned and departments else offices[street.code]
        total = money(rng.uniform(200, 8000) * (5 if district_owned else 1))
        project = Project(
            code=f"WZ-P{number + 1:05d}",
            name=f"{street.name.removesuffix('街道')}{word}（{number + 1}）",
            category=category,
            subtype=subtype,
            owner_unit=owner,
            lead_department=departments[number % len(departments)] if departments else owner,
            is_key=rng.random() < 0.1,
            total_investment=total,
            start_year=years[0],
            end_year=years[-1] + rng.choice((0, 0, 1)),
        )
        projects.append(project)
        specs.append((rng, street, unit, (low, high), rng.choice((0.5, 0.8, 0.95, 1.0, 1.1))))
    _bulk(Project, projects)
    for project, (rng, street, _unit, _range, _pace) in zip(projects, specs, strict=True):
        street_links.append(Project.streets.through(project_id=project.pk, region_id=street.pk))
        if rng.random() < 0.1:
            neighbour = streets[(streets.index(street) + 1) % len(streets)]
            if neighbour.pk != street.pk:
                street_links.append(Project.streets.through(project_id=project.pk, region_id=neighbour.pk))
    _bulk(Project.streets.through, street_links)
    plans, targets = [], []
    for project, (rng, _street, unit, (low, high), _pace) in zip(projects, specs, strict=True):
        for year in years:
            share = Decimal(rng.uniform(0.25, 0.5))
            plan = AnnualPlan(project=project, year=year, investment=money(project.total_investment * share))
            plans.append(plan)
            plans_by_project.setdefault(project.pk, {})[year] = plan
            targets.append(PlanTarget(plan=plan, measure="形象进度", unit=unit, quantity=money(rng.uniform(low, high))))
    _bulk(AnnualPlan, plans)
    for target in targets:
        target.plan_id = target.plan.pk
    _bulk(PlanTarget, targets)
    targets_by_plan = {target.plan_id: target for target in targets}
    reports, quantities, milestones = [], [], []
    written = {"reports": 0, "quantities": 0}
    for project, (rng, _street, _unit, _range, pace) in zip(projects, specs, strict=True):
        for month in months:
            plan = plans_by_project[project.pk][month.year]
            target = targets_by_plan[plan.pk]
            if rng.random() < 0.08:
                continue  # a month not reported
            amount = money(plan.investment / 12 * Decimal(pace) * Decimal(rng.uniform(0.5, 1.5)))
            done = money(target.quantity / 12 * Decimal(pace) * Decimal(rng.uniform(0.3, 1.4)))
            report = ProgressReport(project=project, month=month, investment=amount, reported_by=reporter)
            reports.append(report)
            quantities.append(ReportQuantity(report=report, target=target, quantity=done))
            plan.completed_investment += amount
            target.completed_quantity += done
        start = datetime.date(years[0], 1, 1) + datetime.timedelta(days=rng.randint(30, 400))
        previous_reached = True
        for kind, offset in MILESTONE_PLAN:
            planned = start + datetime.timedelta(days=offset)
            reached = None
            # Steps are reached in order, a few days either side of their plan, never after today.
            if previous_reached and planned < today and rng.random() < (0.9 if pace >= 0.9 else 0.6):
                reached = min(today, planned + datetime.timedelta(days=rng.randint(-10, 20)))
            previous_reached = reached is not None
            milestones.append(Milestone(project=project, kind=kind, planned_date=planned, actual_date=reached))
        if len(reports) >= BATCH:
            written["reports"] += _write_reports(reports, quantities)
            written["quantities"] += len(quantities)
            ticker.advance(len(reports) // len(months))
            reports, quantities = [], []
    written["reports"] += _write_reports(reports, quantities)
    written["quantities"] += len(quantities)
    _bulk(Milestone, milestones)
    AnnualPlan.objects.bulk_update(plans, ["completed_investment"], batch_size=BATCH)
    PlanTarget.objects.bulk_update(targets, ["completed_quantity"], batch_size=BATCH)
    due = {}
    for milestone in milestones:
        if milestone.actual_date is None:
            current = due.get(milestone.project_id)
            due[milestone.project_id] = min(current, milestone.planned_date) if current else milestone.planned_date
    for project in projects:
        project.next_milestone_due = due.get(project.pk)
    Project.objects.bulk_update(projects, ["next_milestone_due"], batch_size=BATCH)
    ticker.finish()
    tasks, updates = _grow_tasks(growth, streets, offices, departments, reporter)
    enterprises, inspections = _grow_enterprises(growth, streets, reporter)
    return {
        "projects": len(projects),
        "plans": len(plans),
        "reports": written["reports"],
        "tasks": tasks,
        "task updates": updates,
        "enterprises": enterprises,
        "inspections": inspections,
    }


def _bulk(model, rows):
    return insert_objects(model, rows)


def _write_reports(reports, quantities):
    _bulk(ProgressReport, reports)
    for quantity in quantities:
        quantity.report_id = quantity.report.pk
    _bulk(ReportQuantity, quantities)
    return len(reports)


def _grow_tasks(growth, streets, offices, departments, reporter):
    today = growth.today
    year = today.year
    count = growth.count(TASKS_PER_SCALE)
    ticker = growth.progress.start("tasks", count)
    # Signed at the year's meeting, or a month ago early in the year: every update comes after it.
    signed_on = min(datetime.date(year, 2, 20), today - datetime.timedelta(days=30))
    letters = {}
    for street in streets:
        letters[street.code] = ResponsibilityLetter(year=year, unit=offices[street.code], signed_on=signed_on)
    _bulk(ResponsibilityLetter, list(letters.values()))
    tasks, updates, supports = [], [], []
    for number in range(count):
        rng = growth.rng("task", number)
        street = streets[number % len(streets)]
        month, day, text, category, quantity, unit_code, _responsible, _supporting, _streets = rng.choice(TASKS)
        deadline = datetime.date(year, month, day)
        task = ResponsibilityTask(
            letter=letters[street.code],
            description=f"{street.name}：{text}",
            category=category,
            target_quantity=Decimal(quantity) if quantity else None,
            target_unit=unit_code,
            deadline=deadline,
            responsible_unit=offices[street.code],
            region=street,
        )
        if deadline < today and rng.random() < 0.75:
            task.status, task.completed_on = (
                TaskStatus.DONE,
                min(today, deadline - datetime.timedelta(days=rng.randint(0, 15))),
            )
            task.done_quantity = task.target_quantity or Decimal(0)
        tasks.append(task)
    _bulk(ResponsibilityTask, tasks)
    for number, task in enumerate(tasks):
        rng = growth.rng("task update", number)
        if departments:
            supports.append(
                ResponsibilityTask.supporting_units.through(
                    responsibilitytask_id=task.pk, unit_id=departments[number % len(departments)].pk
                )
            )
        if task.status == TaskStatus.DONE:
            updates.append(
                TaskUpdate(
                    task=task,
                    reported_on=task.completed_on,
                    note="已完成",
                    marks_done=True,
                    quantity=task.target_quantity,
                    reported_by=reporter,
                )
            )
        elif rng.random() < 0.4:
            updates.append(
                TaskUpdate(
                    task=task,
                    reported_on=today - datetime.timedelta(days=rng.randint(1, 29)),
                    note="正在推进",
                    reported_by=reporter,
                )
            )
    _bulk(ResponsibilityTask.supporting_units.through, supports)
    _bulk(TaskUpdate, updates)
    ticker.finish()
    return len(tasks), len(updates)


def _grow_enterprises(growth, streets, inspector):
    today = growth.today
    count = growth.count(ENTERPRISES_PER_SCALE)
    ticker = growth.progress.start("enterprises", count)
    enterprises = []
    industries = Industry.values()
    for number in range(count):
        rng = growth.rng("enterprise", number)
        street = streets[number % len(streets)]
        industry = rng.choice(industries)
        plan = RemediationPlan.CLOSE if rng.random() < 0.3 else RemediationPlan.IN_PLACE
        deadline = default_deadline(plan, today.year)
        enterprise = Enterprise(
            name=f"{street.name.removesuffix('街道')}{INDUSTRY_WORD[industry]}{number + 1:04d}",
            industry=industry,
            street=street,
            plan=plan,
            deadline=deadline,
            address=f"{street.name}工业区{number + 1}号",
        )
        if rng.random() < 0.5:
            enterprise.status = (
                RemediationStatus.CLOSED if plan == RemediationPlan.CLOSE else RemediationStatus.REMEDIATED
            )
            enterprise.resolved_on = min(
                today, datetime.date(today.year, 1, 1) + datetime.timedelta(days=rng.randint(20, 300))
            )
        enterprises.append(enterprise)
    _bulk(Enterprise, enterprises)
    inspections = [
        EnterpriseInspection(
            enterprise=enterprise,
            inspected_on=enterprise.resolved_on,
            inspector=inspector,
            passed=True,
            notes="现场核查",
        )
        for enterprise in enterprises
        if enterprise.resolved_on
    ]
    _bulk(EnterpriseInspection, inspections)
    ticker.finish()
    return len(enterprises), len(inspections)
