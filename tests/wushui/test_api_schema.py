"""The OpenAPI schema is generated without errors and documents the patrol contract."""

import os

import yaml
from django.urls import reverse


def test_schema_documents_every_endpoint_with_the_patrol_example(client, world):
    client.force_login(world.users.official)
    response = client.get(reverse("api_schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in ["/api/v1/regions/", "/api/v1/water-bodies/", "/api/v1/segments/", "/api/v1/chiefs/"]:
        assert "get" in paths[path]
    submit = paths["/api/v1/patrols/"]["post"]
    assert set(submit["responses"]) >= {"200", "201"}
    assert "examples" in submit["requestBody"]["content"]["application/json"]
    assert "multipart/form-data" in submit["requestBody"]["content"]
    assert "post" in paths["/api/v1/patrols/{id}/photos/"]


def test_docs_are_served_without_a_cdn(client, world):
    client.force_login(world.users.official)
    page = client.get(reverse("api_docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()


def test_the_schema_is_generated_without_warnings():
    import io

    from django.core.management import call_command

    errors = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--file", os.devnull, stderr=errors)
    assert "Warning" not in errors.getvalue()


def test_every_operation_documents_its_error_answers_in_the_one_error_shape(client, world):
    client.force_login(world.users.official)
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            documented = set(operation["responses"])
            assert {"400", "403", "404", "429"} <= documented, (method, path)
            if "requestBody" in operation:
                assert {"409", "413", "415"} <= documented, (method, path)
            if operation.get("security"):
                assert "401" in documented, (method, path)
    patrol = schema["paths"]["/api/v1/patrols/{id}/"]["get"]["responses"]["404"]
    assert patrol["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    # Anonymous operations answer no 401; the HJ 212 endpoint answers its errors as text too.
    assert "401" not in schema["paths"]["/s/api/reports/"]["post"]["responses"]
    assert "text/plain" in schema["paths"]["/api/v1/hj212/"]["post"]["responses"]["413"]["content"]
