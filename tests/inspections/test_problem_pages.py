"""Problem pages: my work with its counts, the list with its filters and counts per state, the detail
with the transitions as forms, the transition posts, the photos, and the rates per street and unit."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections import problems, selectors
from inspections.choices import ProblemSource, ProblemStatus
from inspections.models import Problem, ProblemEvent
from wushui import periods

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def jpeg(name="after.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def register(world, segment=None, **extra):
    values = {
        "source": ProblemSource.HOTLINE,
        "segment": segment or world.segment_a1,
        "category": "dumping",
        "description": "Rubbish",
        "reported_by": world.users.street_a,
        **extra,
    }
    return problems.register_problem(**values)


@pytest.fixture
def problem(world):
    return register(world)


def transition_url(problem, name):
    return reverse("problems:problem_transition", args=[problem.pk, name])


def test_my_work_counts_each_duty_and_lists_the_soonest_deadline_first(client, world):
    first = register(world, urgency="critical")
    second = register(world)
    problems.assign(second, world.users.chief_district, assignee_chief=world.users.chief_a1)
    client.force_login(world.users.chief_a1)
    page = client.get(reverse("problems:my_work"))
    assert page.status_code == 200
    sections = {s["transition"].name: s["count"] for s in page.context["sections"]}
    assert sections == {"assign": 1, "accept": 1, "complete": 0, "verify": 0, "archive": 0}
    assert page.context["task"] == "assign"
    assert [row.pk for row in page.context["rows"]] == [first.pk]
    page = client.get(reverse("problems:my_work"), {"task": "accept"})
    assert [row.pk for row in page.context["rows"]] == [second.pk]
    assert client.get(reverse("problems:my_work"), {"task": "verify"}).status_code == 200
    assert client.get(reverse("problems:my_work"), {"task": "urge"}).status_code == 400
    assert client.get(reverse("problems:my_work"), {"task": "accept", "cursor": "nonsense"}).status_code == 400
    client.force_login(world.users.official)
    page = client.get(reverse("problems:my_work"))
    assert page.context["task"] is None
    assert "Nothing in the workflow waits for you" in page.content.decode()


def test_the_list_counts_per_state_filters_and_refuses_bad_filters(client, world, problem):
    other = register(world, segment=world.segment_b1, category="outlet", urgency="urgent", reported_by=None)
    problems.assign(other, world.users.admin, assignee_unit=world.env_unit)
    client.force_login(world.users.official)
    page = client.get(reverse("problems:problem_list"))
    counts = {status: count for status, _label, count, _capped in page.context["state_counts"]}
    assert (counts["registered"], counts["assigned"], counts["archived"]) == (1, 1, 0)
    assert [
        row.pk for row in client.get(reverse("problems:problem_list"), {"status": "assigned"}).context["object_list"]
    ] == [other.pk]
    filtered = client.get(reverse("problems:problem_list"), {"region": world.street_a.pk, "category": "dumping"})
    assert [row.pk for row in filtered.context["object_list"]] == [problem.pk]
    for bad in [{"status": "lost"}, {"date_from": "1900-01-01"}, {"segment": "2" * 30}, {"overdue": "soon"}]:
        assert client.get(reverse("problems:problem_list"), bad).status_code == 400, bad
    client.force_login(world.users.street_a)
    assert [row.pk for row in client.get(reverse("problems:problem_list")).context["object_list"]] == [problem.pk]


def test_the_overdue_filter_finds_open_problems_past_their_deadline(client, world, problem):
    later = problem.completion_due + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        client.force_login(world.users.official)
        rows = client.get(reverse("problems:problem_list"), {"overdue": "true"}).context["object_list"]
        assert [row.pk for row in rows] == [problem.pk]
        assert "overdue" in client.get(problem.get_absolute_url()).content.decode()


def test_the_detail_offers_the_users_transitions_as_htmx_forms(client, world, problem):
    client.force_login(world.users.chief_district)
    page = client.get(problem.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("assign", "merge", "close", "escalate"):
        assert f'data-transition="{name}"' in html
        assert f'hx-post="{transition_url(problem, name)}"' in html
    assert 'data-transition="accept"' not in html
    assert "<script>" not in html.replace("<script src", "").split("</head>")[1].split('id="map"')[0]
    assert str(world.users.chief_a1) in html  # an assignable chief
    client.force_login(world.users.official)
    assert "Nothing for you to do" in client.get(problem.get_absolute_url()).content.decode()
    client.force_login(world.users.street_b)
    assert client.get(problem.get_absolute_url()).status_code == 404


def test_posting_transitions_from_the_page(client, world, problem, stored_files):
    users = world.users
    client.force_login(users.chief_district)
    response = client.post(
        transition_url(problem, "assign"), {"assignee_chief": users.chief_a1.pk, "due": "", "note": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == problem.get_absolute_url()
    client.force_login(users.chief_a1)
    assert client.post(transition_url(problem, "accept"), {"note": ""}).status_code == 302
    files = stored_files()
    refused = client.post(transition_url(problem, "complete"), {"note": "Done"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "Add at least one photo" in refused.content.decode() or "photos" in refused.context["errors"]
    assert stored_files() == files
    assert client.post(transition_url(problem, "complete"), {"note": "Done", "photos": [jpeg()]}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == "completed"
    photo = problem.photos.get(stage="after")
    assert client.get(photo.get_absolute_url()).status_code == 200
    client.force_login(users.street_b)
    assert client.get(photo.get_absolute_url()).status_code == 404
    assert client.post(transition_url(problem, "verify"), {}).status_code == 404
    client.force_login(users.chief_a1)
    refused = client.post(transition_url(problem, "verify"), {})
    assert refused.status_code == 403
    assert "Only its assigner may verify" in refused.content.decode()
    assert client.post(transition_url(problem, "explode"), {}).status_code == 400
    assert ProblemEvent.objects.filter(problem=problem).count() == 4


def test_a_lost_race_on_the_page_is_a_409_saying_so(client, world, problem, monkeypatch):
    def lost(*args, **kwargs):
        raise problems.TransitionConflict()

    monkeypatch.setitem(problems.SERVICES, "escalate", lost)
    client.force_login(world.users.street_a)
    response = client.post(transition_url(problem, "escalate"), {"reason": "Up"})
    assert response.status_code == 409
    assert "changed meanwhile" in response.content.decode()


def test_the_rates_per_street_and_unit(world):
    users = world.users
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    registered = start + datetime.timedelta(days=1)
    with time_machine.travel(registered, tick=False):
        done = register(world)
        late = register(world)
        closed = register(world, segment=world.segment_b1, reported_by=None)
        open_b = register(world, segment=world.segment_b1, reported_by=None)
        duplicate = register(world, segment=world.segment_b1, reported_by=None)
    with time_machine.travel(registered + datetime.timedelta(hours=10), tick=False):
        problems.accept(problems.assign(done, users.admin, assignee_unit=world.env_unit), users.department)
    with time_machine.travel(registered + datetime.timedelta(hours=12), tick=False):
        done = problems.complete(done, users.department, note="Done", photos=[jpeg()])
        problems.archive(problems.verify(done, users.admin), users.admin)
        problems.close(closed, users.admin, reason="unable", note="Needs a dam")
        problems.merge(duplicate, users.admin, duplicate_of=open_b)
        problems.accept(problems.assign(late, users.admin, assignee_unit=world.env_unit), users.department)
    end = start + datetime.timedelta(days=30)
    with time_machine.travel(late.completion_due + datetime.timedelta(days=1), tick=False):
        by_street = selectors.problem_rates(users.official, by="street", start=start, end=end)
        by_unit = selectors.problem_rates(users.official, by="unit", start=start, end=end)
        street_a_only = selectors.problem_rates(users.street_a, by="street", start=start, end=end)
    rows = {row.label: row for row in by_street.rows}
    assert (rows["Street A"].registered, rows["Street A"].ended, rows["Street A"].closure_rate) == (2, 1, 0.5)
    assert (rows["Street A"].on_time, rows["Street A"].late_open, rows["Street A"].on_time_rate) == (1, 1, 0.5)
    assert rows["Street A"].handling_hours == pytest.approx(12)
    assert (rows["Street B"].registered, rows["Street B"].ended) == (2, 1)  # the duplicate is not counted
    assert (by_street.total.registered, by_street.total.ended, by_street.total.handling_hours) == (
        4,
        2,
        pytest.approx(12),
    )
    units = {row.label: row for row in by_unit.rows}
    assert (units["Environment bureau"].registered, units["Environment bureau"].on_time) == (2, 1)
    assert [row.label for row in street_a_only.rows] == ["Street A"]


def test_the_rates_page(client, world, problem):
    client.force_login(world.users.official)
    page = client.get(reverse("problems:problem_rates"))
    assert page.status_code == 200
    assert page.context["period"] == periods.period_containing(periods.MONTH, datetime.date.today())
    assert client.get(reverse("problems:problem_rates"), {"period": "decade"}).status_code == 400
    assert client.get(reverse("problems:problem_rates"), {"day": "1800-01-01"}).status_code == 400
    assert client.get(reverse("problems:problem_rates"), {"period": "year"}).status_code == 200


@pytest.mark.parametrize("name", ["problems:problem_list", "problems:my_work", "problems:problem_rates", "detail"])
def test_pages_take_as_many_queries_for_many_problems_as_for_few(client, world, name, django_assert_max_num_queries):
    users = world.users

    def grow(count):
        for index in range(count):
            problem = register(world, description=f"P{index}")
            problem = problems.assign(problem, users.street_a, assignee_chief=users.chief_a1)
            problems.urge(problems.accept(problem, users.chief_a1), users.official)
        return problem

    def visit(problem):
        client.force_login(users.chief_a1)
        url = problem.get_absolute_url() if name == "detail" else reverse(name)
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200

    visit(grow(1))
    visit(grow(12))
    assert Problem.objects.count() == 13


def test_the_pages_speak_chinese(client, world, problem):
    client.force_login(world.users.chief_district)
    page = client.get(problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ("可进行的操作", "交办", "办理记录", "登记", "乱堆"):
        assert text in page, text
    assert "我的待办" in client.get(reverse("problems:my_work"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_counts_per_state_stop_at_the_lists_limit_and_add_up_to_its_count(client, world, monkeypatch):
    from inspections.problem_views import ProblemListView

    for _index in range(3):
        register(world)
    monkeypatch.setattr(ProblemListView, "paginate_by", 1)
    client.force_login(world.users.official)
    page = client.get(reverse("problems:problem_list"))
    assert (page.context["row_count"], page.context["row_count_capped"]) == (3, False)
    monkeypatch.setattr(ProblemListView, "count_limit", 2)
    page = client.get(reverse("problems:problem_list"))
    states = {status: (count, capped) for status, _label, count, capped in page.context["state_counts"]}
    assert states["registered"] == (2, True)
    assert states["assigned"] == (0, False)
    assert "&gt;2" in page.content.decode()
    assert (page.context["row_count"], page.context["row_count_capped"]) == (2, True)


def test_capped_counts_read_a_small_list_whole_and_a_big_one_a_state_at_a_time(world, django_assert_num_queries):
    from inspections.problem_views import capped_counts

    for _index in range(3):
        register(world)
    states = ProblemStatus.values()
    narrowed = Problem.objects.filter(segment=world.segment_a1)
    # Three rows, fewer than cap × states: one grouped count, exact.
    with django_assert_num_queries(1):
        assert capped_counts(narrowed, "status", states, 2) == {s: 2 if s == "registered" else 0 for s in states}
    # As many rows as cap × values: the grouped count cannot tell, so each value is counted up to its cap.
    with django_assert_num_queries(2):
        assert capped_counts(narrowed, "status", ["registered"], 2) == {"registered": 2}
    # A whole table is counted a value at a time at once.
    with django_assert_num_queries(1):
        assert capped_counts(Problem.objects.all(), "status", ["registered"], 2) == {"registered": 2}
    assert capped_counts(Problem.objects.none(), "status", states, 2) == dict.fromkeys(states, 0)


def test_a_transition_the_user_may_not_make_is_403_on_the_page_whatever_the_form_holds(client, world, problem):
    """The page refuses (403, saying why) before it judges the form: an empty escalation by a district
    official, who makes no transition, is not a 400."""
    client.force_login(world.users.official)
    response = client.post(transition_url(problem, "escalate"), {})
    assert response.status_code == 403
    assert response.context["action_message"]
    assert ProblemEvent.objects.filter(problem=problem).count() == 1
