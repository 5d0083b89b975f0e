"""The portal's template tags and filters write what Django's own would, for less."""

import datetime

from django.template import Context, Template
from django.utils import translation

UTC = datetime.UTC


def render(source, **context):
    return Template("{% load portal %}" + source).render(Context(context))


def test_minute_and_day_write_local_time_as_the_date_filter_does():
    moment = datetime.datetime(2026, 11, 30, 17, 5, 59, tzinfo=UTC)  # 01:05 on 1 December in Wenzhou
    assert render("{{ m|minute }}", m=moment) == "2026-12-01 01:05"
    assert render("{{ m|day }}", m=moment) == "2026-12-01"
    assert render('{{ m|minute }}|{{ m|date:"Y-m-d H:i" }}', m=moment).split("|") == ["2026-12-01 01:05"] * 2
    assert render('{{ d|day }}|{{ d|date:"Y-m-d" }}', d=datetime.date(2026, 3, 7)) == "2026-03-07|2026-03-07"


def test_minute_and_day_write_nothing_for_nothing_or_not_a_moment():
    assert render("[{{ m|minute }}][{{ m|day }}]", m=None) == "[][]"
    assert render("[{{ m|minute }}]", m="yesterday") == "[]"


def test_a_badge_is_written_in_the_active_language():
    with translation.override("en"):
        english = render('{% badge "tier" "village" %}')
    with translation.override("zh-hans"):
        chinese = render('{% badge "tier" "village" %}')
    assert english.startswith('<span class="badge ')
    assert "Village" in english
    assert "村" in chinese
    assert render('[{% badge "tier" "" %}]') == "[]"
