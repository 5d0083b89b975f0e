"""Signboards (公示牌): one per segment with what Art. 12 requires, a QR code of an unguessable address,
and the A4 sheet; staff pages scoped by the segment."""

import io
import xml.etree.ElementTree as ET

import pytest
import segno
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from rivers import signboards
from rivers.models import Segment, Signboard
from rivers.services import create_missing_signboards


@pytest.fixture
def board(world):
    return Signboard.objects.create(
        segment=world.segment_a1, supervision_hotline="0577-12345", duties="Patrol weekly", goals="Class III by 2026"
    )


def matrix_of_png(content, size):
    """The modules of a QR PNG made at the module scale and quiet zone of ``rivers.signboards``."""
    image = Image.open(io.BytesIO(content)).convert("L")
    scale, border = signboards.PNG_SCALE, signboards.QUIET_ZONE
    assert image.size == ((size + 2 * border) * scale,) * 2
    return [
        [
            image.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_every_segment_gets_one_board_with_the_standard_text(world):
    assert create_missing_signboards(Segment.objects.all()) == 3
    assert create_missing_signboards(Segment.objects.all()) == 0, "a segment with a board gets no second one"
    board = world.segment_a1.signboard
    assert board.supervision_hotline == "12345"
    assert "Patrol" in board.duties
    assert board.goals
    with pytest.raises(IntegrityError):
        Signboard.objects.create(segment=world.segment_a1, supervision_hotline="1", duties="d", goals="g")


def test_public_codes_are_random_not_counted(world):
    create_missing_signboards(Segment.objects.all())
    codes = list(Signboard.objects.values_list("public_code", flat=True))
    assert len(set(codes)) == 3
    assert all(len(code) == 12 for code in codes)
    assert not any(code.isdigit() for code in codes)


def test_the_qr_code_encodes_the_public_page_of_the_board(client, world, board, settings):
    settings.PUBLIC_BASE_URL = "https://hz.example.org"
    expected_url = f"https://hz.example.org/s/{board.public_code}/"
    assert signboards.public_url(board.public_code) == expected_url
    client.force_login(world.users.street_a)
    png = client.get(reverse("rivers:signboard_qr", args=[board.pk, "png"]))
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == 'attachment; filename="signboard-T-RIVER-A1.png"'
    expected = segno.make(expected_url, error="m", micro=False)
    size = expected.symbol_size(border=0)[0]
    assert matrix_of_png(png.content, size) == [[bool(bit) for bit in row] for row in expected.matrix]
    svg = client.get(reverse("rivers:signboard_qr", args=[board.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert ET.fromstring(svg.content).tag.endswith("svg")


def test_without_a_public_base_url_the_code_names_the_request_host(client, world, board):
    client.force_login(world.users.admin)
    response = client.get(reverse("rivers:signboard_detail", args=[board.pk]))
    assert f"http://testserver/s/{board.public_code}/" in response.content.decode()


def test_an_unknown_qr_format_is_no_page(client, world, board):
    client.force_login(world.users.admin)
    assert client.get(f"/rivers/signboards/{board.pk}/qr.gif").status_code == 404


def test_the_a4_sheet_shows_what_the_regulation_requires_and_nothing_private(client, world, board):
    world.users.chief_a1.phone = "13999999999"
    world.users.chief_a1.save()
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:signboard_print", args=[board.pk]))
    page = response.content.decode()
    assert "css/signboard-print.css" in page
    for required in [
        "Chief A1",
        "Village A1 secretary",
        "District Chief",
        "Deputy district head",
        "13800000000",
        "0577-12345",
        "Patrol weekly",
        "Class III by 2026",
        f"{world.segment_a1.length_m:.0f} m",
        reverse("rivers:signboard_qr", args=[board.pk, "svg"]),
    ]:
        assert required in page, required
    assert "13999999999" not in page, "a chief's own phone is never on a board"
    assert "chief_a1" not in page


def test_the_print_stylesheet_sets_an_a4_page(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/signboard-print.css"), encoding="utf-8") as handle:
        css = handle.read()
    assert "size: A4" in css
    assert "@media print" in css


def test_the_list_shows_the_boards_of_the_scope(client, world, django_assert_max_num_queries):
    create_missing_signboards(Segment.objects.all())
    client.force_login(world.users.street_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("rivers:signboard_list"))
    assert [board.segment.code for board in response.context["object_list"]] == ["T-RIVER-A1"]
    client.force_login(world.users.official)
    response = client.get(reverse("rivers:signboard_list"), {"q": "creek"})
    assert [board.segment.code for board in response.context["object_list"]] == ["T-BCREEK-1"]


def test_the_list_costs_the_same_with_more_boards(client, world, django_assert_max_num_queries):
    from tests.factories import SegmentFactory

    for index in range(30):
        SegmentFactory(region=world.village_a1, water_body=world.river, code=f"T-MORE-{index:02d}")
    create_missing_signboards(Segment.objects.all())
    client.force_login(world.users.admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("rivers:signboard_list")).status_code == 200


def test_registry_administrators_keep_the_boards(world, board):
    assert Signboard.objects.may_change_any(world.users.admin)
    for persona in ["official", "street_a", "chief_a1", "department"]:
        assert not Signboard.objects.may_change_any(getattr(world.users, persona)), persona


def test_the_admin_makes_boards_for_chosen_segments(client, world):
    client.force_login(world.users.admin)
    response = client.post(
        reverse("admin:rivers_segment_changelist"),
        {"action": "create_signboards", "_selected_action": [world.segment_a1.pk, world.segment_b1.pk]},
    )
    assert response.status_code == 302
    assert set(Signboard.objects.values_list("segment__code", flat=True)) == {"T-RIVER-A1", "T-RIVER-B1"}
    assert client.get(reverse("admin:rivers_signboard_add")).status_code == 200
