"""The patrol benchmark (benchmarks/patrols.py) posts with a Host header the settings accept, whatever they are."""

import json

import pytest
from django.http.request import validate_host

from benchmarks.patrols import GeneratedPatrol, Submitter, checked_host, request_host


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        (["wushui.example.gov", "localhost"], "wushui.example.gov"),
        ([".example.gov"], "example.gov"),
        (["[::1]"], "[::1]"),
        (["*"], "localhost"),
        ([], None),
    ],
)
def test_the_host_is_the_first_that_allowed_hosts_accepts(allowed_hosts, host):
    assert request_host(allowed_hosts) == host
    assert host is None or validate_host(host, allowed_hosts)


def test_a_host_given_is_checked_against_the_settings(settings):
    settings.ALLOWED_HOSTS = ["wushui.example.gov"]
    assert checked_host(None) == "wushui.example.gov"
    assert checked_host("wushui.example.gov:8000") == "wushui.example.gov:8000"
    with pytest.raises(SystemExit, match="does not accept Host 'localhost'"):
        checked_host("localhost")


@pytest.mark.django_db
def test_the_benchmark_posts_patrols_under_other_hosts(settings, world, patrol_body):
    settings.ALLOWED_HOSTS = ["wushui.example.gov"]
    chief = world.users.chief_a1
    patrol = GeneratedPatrol(chief.pk, world.segment_a1.pk, [], json.dumps(patrol_body()).encode())
    response = Submitter([chief.pk], checked_host(None)).post(patrol)
    assert response.status_code == 201, response.content
