"""The admin of the five-waters work opens, and keeps derived figures derived."""

import pytest
from django.urls import reverse

MODELS = [
    "project",
    "annualplan",
    "progressreport",
    "progressrules",
    "responsibilityletter",
    "responsibilitytask",
    "enterprise",
]


@pytest.mark.parametrize("model", MODELS)
def test_each_changelist_and_change_page_opens(client, projects_world, model):
    client.force_login(projects_world.world.users.admin)
    assert client.get(reverse(f"admin:projects_{model}_changelist")).status_code == 200
    objects = {
        "project": projects_world.project_a,
        "annualplan": projects_world.plan_a,
        "responsibilityletter": projects_world.letter_b,
        "responsibilitytask": projects_world.task_b,
        "enterprise": projects_world.enterprise_a,
    }
    if model in objects:
        assert client.get(reverse(f"admin:projects_{model}_change", args=[objects[model].pk])).status_code == 200


def test_reports_cannot_be_added_in_the_admin(client, projects_world):
    client.force_login(projects_world.world.users.admin)
    assert client.get(reverse("admin:projects_progressreport_add")).status_code == 403
