"""Sign-in resists guessing: pages, the admin and the API token endpoint lock out alike."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

PASSWORD = "secret-password"


def fail(client, url, username, times, **extra):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong"}, **extra)
    return response


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_pages_lock_a_username_out_after_the_failure_limit(client, world, settings, url_name):
    url = reverse(url_name)
    assert fail(client, url, "street_a", settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    response = fail(client, url, "street_a", 1)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    # Now even the right password is refused, from this address and for this user.
    response = client.post(url, {"username": "street_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessFailureLog.objects.filter(username="street_a").count() == settings.AXES_FAILURE_LIMIT + 1


def test_the_token_endpoint_locks_out_in_the_apis_error_shape(client, world, settings):
    url = reverse("api_token")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post(url, {"username": "official", "password": "wrong"}).status_code in (400, 429)
    response = client.post(url, {"username": "official", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert "token" not in response.json()


def test_an_address_is_locked_out_whatever_username_it_tries(client, world, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"guess{number}", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "official", "password": PASSWORD})
    assert response.status_code == 429


def test_another_address_still_signs_in_a_user_whose_address_was_not_locked(client, world, settings):
    fail(client, reverse("login"), "guess", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("login"), {"username": "official", "password": PASSWORD})
    assert response.status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, world, settings):
    fail(client, reverse("login"), "official", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(reverse("login"), {"username": "official", "password": PASSWORD}).status_code == 302
    assert not AccessAttempt.objects.filter(username="official").exists()
    client.logout()
    fail(client, reverse("login"), "official", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(reverse("login"), {"username": "official", "password": PASSWORD}).status_code == 302


def test_the_api_throttles_a_busy_user_and_the_token_endpoint(client, world, monkeypatch):
    # The rates are read when DRF's throttles are imported: set them where the throttles look.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100/min", "user": "3/min", "auth": "2/min"})
    client.force_login(world.users.official)
    answers = [client.get(reverse("segment-list")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get(reverse("segment-list")).json()["error"]["code"] == "throttled"
    client.logout()
    tokens = [
        client.post(reverse("api_token"), {"username": "admin", "password": PASSWORD}).status_code for _ in range(3)
    ]
    assert tokens == [200, 200, 429]
