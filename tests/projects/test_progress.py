"""Every derived figure, against numbers computed by hand.

On 31 May 2022 the year is 151 of 365 days gone: time rate 41.37 %. With the default margin of 10
points a project is lagging below 31.37 %. Project A (plan 500 万元) reported 50 in January, 70 in
March and 30 in May: 150, 30 %, lagging. Project B (plan 500) reported 100 in February and 60 in
April: 160, 32 %, not lagging.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine

from projects import progress, selectors, services
from projects.models import Milestone, PlanTarget, ProgressRules
from wushui import periods

TODAY = datetime.datetime(2022, 5, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _end_of_may():
    with time_machine.travel(TODAY, tick=False):
        yield


def report(user, project, month, investment, **extra):
    return services.file_report(
        user,
        project,
        services.ReportInput(month=datetime.date(2022, month, 1), investment=Decimal(investment), **extra),
    )


@pytest.fixture
def reported(projects_world):
    pw = projects_world
    target = PlanTarget.objects.create(plan=pw.plan_a, measure="Seawall raised", unit="km", quantity=2)
    owner, street_b = pw.users.owner, pw.world.users.street_b
    report(owner, pw.project_a, 1, "50", quantities={target.pk: Decimal("0.5")})
    report(owner, pw.project_a, 3, "70", quantities={target.pk: Decimal("0.7")})
    report(owner, pw.project_a, 5, "30")
    report(street_b, pw.project_b, 2, "100")
    report(street_b, pw.project_b, 4, "60")
    pw.target = target
    return pw


def test_time_rate_is_the_elapsed_share_of_the_year():
    year = periods.period_containing(periods.YEAR, datetime.date(2022, 1, 1))
    assert periods.elapsed_share(year, datetime.date(2022, 5, 31)) == Decimal(151) / Decimal(365)
    assert periods.elapsed_share(year, datetime.date(2022, 1, 1)) == Decimal(1) / Decimal(365)
    assert periods.elapsed_share(year, datetime.date(2022, 12, 31)) == 1
    assert periods.elapsed_share(year, datetime.date(2021, 12, 31)) == 0
    assert periods.elapsed_share(year, datetime.date(2023, 3, 1)) == 1
    leap = periods.period_containing(periods.YEAR, datetime.date(2024, 1, 1))
    assert periods.elapsed_share(leap, datetime.date(2024, 2, 29)) == Decimal(60) / Decimal(366)
    assert progress.percent(progress.time_rate(2022, datetime.date(2022, 5, 31))) == Decimal("41.4")


def test_lagging_is_more_than_the_margin_behind_the_time_rate():
    time = Decimal("0.40")
    assert progress.is_lagging(Decimal("0.29"), time, Decimal("0.10"))
    assert not progress.is_lagging(Decimal("0.30"), time, Decimal("0.10")), "exactly the margin behind is not lagging"
    assert not progress.is_lagging(None, time, Decimal("0.10")), "without a plan nothing lags by rate"
    assert not progress.is_lagging(Decimal("0"), Decimal("0.05"), Decimal("0.10")), "early in the year nobody lags"
    assert progress.is_lagging(Decimal("1"), time, Decimal("0.10"), milestone_past_due=True)


def test_cumulative_figures_are_derived_from_the_reports(reported):
    reported.plan_a.refresh_from_db()
    reported.target.refresh_from_db()
    assert reported.plan_a.completed_investment == Decimal("150.00")
    assert reported.target.completed_quantity == Decimal("1.20")
    assert progress.percent(reported.target.completion_rate) == Decimal("60.0")
    figures = selectors.project_progress(reported.project_a, 2022)
    assert [month.cumulative for month in figures.months] == [50, 50, 120, 120, 150]
    assert [month.investment for month in figures.months] == [50, None, 70, None, 30]
    assert figures.completed == 150
    assert figures.percent == Decimal("30.0")
    assert figures.time_percent == Decimal("41.4")
    assert figures.is_lagging
    assert not selectors.project_progress(reported.project_b, 2022).is_lagging


def test_the_summary_gives_plan_completed_rate_and_lagging_by_category_unit_and_street(reported):
    summary = selectors.investment_summary(2022)
    assert (summary.total.plan, summary.total.completed, summary.total.percent) == (1000, 310, Decimal("31.0"))
    assert summary.total.projects == 2
    assert summary.total.lagging == 1
    categories = {figures.key: figures for figures in summary.by_category}
    assert (categories["flood"].completed, categories["flood"].percent, categories["flood"].lagging) == (
        150,
        Decimal("30.0"),
        1,
    )
    assert (categories["sewage"].completed, categories["sewage"].percent, categories["sewage"].lagging) == (
        160,
        Decimal("32.0"),
        0,
    )
    assert categories["saving"].projects == 0
    units = {figures.label: (figures.plan, figures.completed, figures.lagging) for figures in summary.by_unit}
    assert units == {"East flood works HQ": (500, 150, 1), "Street B office": (500, 160, 0)}
    streets = {figures.label: (figures.completed, figures.lagging) for figures in summary.by_street}
    assert streets == {"Street A": (150, 1), "Street B": (160, 0)}


def test_a_project_in_two_streets_counts_in_each_and_once_in_the_total(reported):
    reported.project_a.streets.add(reported.world.street_b)
    summary = selectors.investment_summary(2022)
    streets = {figures.label: figures.completed for figures in summary.by_street}
    assert streets == {"Street A": 150, "Street B": 310}
    assert summary.total.completed == 310


def test_the_margin_is_data(reported):
    ProgressRules.objects.create(lagging_margin=Decimal("0.05"))
    # Threshold 41.37 - 5 = 36.37 %: both are behind it now.
    assert selectors.investment_summary(2022).total.lagging == 2


def test_a_milestone_past_due_makes_a_project_lagging(reported):
    services.set_milestone(reported.project_b, "start", planned_date=datetime.date(2022, 5, 1))
    assert selectors.investment_summary(2022).total.lagging == 2
    assert selectors.project_progress(reported.project_b, 2022).is_lagging
    services.set_milestone(reported.project_b, "start", actual_date=datetime.date(2022, 5, 20))
    assert selectors.investment_summary(2022).total.lagging == 1


def test_a_milestone_due_today_is_not_yet_past_due(reported):
    services.set_milestone(reported.project_b, "start", planned_date=datetime.date(2022, 5, 31))
    assert selectors.investment_summary(2022).total.lagging == 1


def test_figures_as_of_an_earlier_day_read_the_reports_of_the_months_up_to_it(reported):
    # 31 March: 90 of 365 days, 24.66 %; threshold 14.66 %. A: 50 + 70 = 120 (24 %); B: 100 (20 %).
    services.set_milestone(reported.project_b, "start", planned_date=datetime.date(2022, 3, 15))
    summary = selectors.investment_summary(2022, as_of=datetime.date(2022, 3, 31))
    assert summary.time_rate == Decimal(90) / Decimal(365)
    assert (summary.total.completed, summary.total.lagging) == (220, 1), "B's start was due on 15 March"
    categories = {figures.key: figures.completed for figures in summary.by_category}
    assert categories == {"sewage": 100, "flood": 120, "drainage": 0, "supply": 0, "saving": 0}
    earlier = selectors.investment_summary(2022, as_of=datetime.date(2022, 3, 10))
    assert earlier.total.lagging == 0


def test_the_stored_and_the_recomputed_figures_agree(reported, monkeypatch):
    services.set_milestone(reported.project_a, "start", planned_date=datetime.date(2022, 4, 1))
    stored = selectors.investment_summary(2022)
    monkeypatch.setattr(selectors, "_reads_stored_figures", lambda year, as_of: False)
    recomputed = selectors.investment_summary(2022)
    assert stored.total == recomputed.total
    assert stored.by_category == recomputed.by_category
    assert stored.by_unit == recomputed.by_unit


def test_a_past_year_is_read_whole_with_the_full_time_rate(reported):
    summary = selectors.investment_summary(2021)
    assert summary.time_rate == 1
    assert summary.total.projects == 0


def test_the_summary_is_scoped_by_the_projects_given(reported):
    from projects.models import Project

    street_a = reported.world.users.street_a
    summary = selectors.investment_summary(2022, projects=Project.objects.restrict(street_a))
    assert (summary.total.plan, summary.total.completed) == (500, 150)
    assert [figures.label for figures in summary.by_street] == ["Street A"]


def test_milestones_keep_their_stages_in_order(projects_world):
    project = projects_world.project_a
    services.set_milestone(project, "feasibility", planned_date=datetime.date(2022, 3, 1))
    services.set_milestone(project, "completion", planned_date=datetime.date(2022, 12, 1))
    with pytest.raises(services.ValidationError, match="comes before"):
        services.set_milestone(project, "start", planned_date=datetime.date(2022, 2, 1))
    with pytest.raises(services.ValidationError, match="comes before"):
        services.set_milestone(project, "acceptance", planned_date=datetime.date(2022, 11, 1))
    services.set_milestone(project, "start", planned_date=datetime.date(2022, 4, 1))
    with pytest.raises(services.ValidationError, match="future"):
        services.set_milestone(project, "start", actual_date=datetime.date(2022, 6, 2))
    project.refresh_from_db()
    assert project.next_milestone_due == datetime.date(2022, 3, 1)
    assert Milestone.objects.filter(project=project).count() == 3
