"""Playwright driving Debian's Chromium (Playwright's own browser download cannot work here)."""

import io
import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Anything the Content-Security-Policy refused (an inline script, a foreign source) fails the journey.
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{message.location.get('url')}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not refused, refused


def sign_in(page, username, password="secret-password"):
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")


# --- Working a problem through its pages (the problem and public journeys) ---------------------------------


@pytest.fixture
def photo_file(tmp_path):
    from PIL import Image

    path = tmp_path / "after.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), "seagreen").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def open_task(page, task, problem):
    """From "my work", the list of the task ``task`` (its count not zero), then the problem's page."""
    from playwright.sync_api import expect

    page.goto("/problems/my-work/")
    page.click(f"a[data-task='{task}']")
    expect(page.locator(f"a[data-task='{task}'] .count")).not_to_have_text("0")
    page.click(f"a[href='/problems/{problem.pk}/']")
    page.wait_for_url(f"**/problems/{problem.pk}/")


def act(page, transition):
    """The form of ``transition`` on a problem's page, opened."""
    form = page.locator(f"form[data-transition='{transition}']")
    if not form.is_visible():
        page.click(f"details:has(form[data-transition='{transition}']) > summary")
    return form


def sign_out(page):
    page.click("form[data-sign-out] button")
    page.wait_for_url("**/login/**")
