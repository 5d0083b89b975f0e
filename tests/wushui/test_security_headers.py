"""The production posture every answer carries: CSP, private caching, the deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_policy_that_admits_only_the_portals_own_scripts(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:waterbody_detail", args=[world.river.pk]))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self' 'nonce-")
    nonce = policy["script-src"].split("'nonce-")[1].rstrip("'")
    assert f'nonce="{nonce}"' in response.content.decode(), "the map's inline script carries the nonce"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]


def test_signed_in_answers_are_private_to_their_user(client, world):
    client.force_login(world.users.street_a)
    for url in (reverse("home"), reverse("rivers:waterbody_list"), reverse("segment-list")):
        assert "private" in client.get(url)["Cache-Control"], url


def deploy_check(**environment):
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        "WUSHUI_PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "wushui.example",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_deploy_checks_pass_when_django_does_https_itself():
    code, output = deploy_check(
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        BEHIND_TLS_PROXY="1",
    )
    assert code == 0, output
    assert "no issues" in output


def test_behind_a_tls_proxy_only_the_checks_the_proxy_covers_remain():
    # README, production: the proxy redirects plain HTTP (W008) and sends HSTS (W004).
    code, output = deploy_check(BEHIND_TLS_PROXY="1")
    assert code != 0
    found = {line.split(")")[0].split("(")[-1] for line in output.splitlines() if line.startswith("?: (")}
    assert found == {"security.W004", "security.W008"}, output


def test_the_browsers_icon_request_gets_no_content_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 204
    assert "public" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405
