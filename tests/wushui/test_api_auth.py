"""An app signs in with a token; the token sees exactly what the person sees."""

from django.urls import reverse


def test_token_from_credentials_then_scoped_calls(client, world):
    response = client.post(reverse("api_token"), {"username": "street_a", "password": "secret-password"})
    assert response.status_code == 200
    token = response.json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    listing = client.get(reverse("segment-list"), **headers)
    assert listing.status_code == 200
    assert [f["properties"]["code"] for f in listing.json()["features"]] == ["T-RIVER-A1"]
    assert client.get(reverse("segment-detail", args=[world.segment_b1.pk]), **headers).status_code == 404


def test_wrong_password_gets_no_token(client, world):
    response = client.post(reverse("api_token"), {"username": "street_a", "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_bad_token_is_401(client, world):
    response = client.get(reverse("segment-list"), HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401
