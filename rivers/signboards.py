"""What a signboard shows and its QR code (一牌一码).

A board shows only published fields, read through the public querysets (``public()``): the segment's,
its current chiefs' (name, post, public phone) and the board's own. The staff's print sheet and the
public page the QR code opens therefore show the same thing, and neither can reach a chief's own phone.
"""

import io
from dataclasses import dataclass

import segno
from django.conf import settings

from rivers.models import ChiefAppointment, Segment, Signboard
from wushui.choices import Tier

# Medium error correction (15 %): the board weathers outdoors, and the code stays small enough
# to scan from a step away at the size printed (60 mm).
QR_ERROR = "m"
QR_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
# PNG: 10 px a module is ~ 400 px for our addresses, sharp at 60 mm and 150 dpi.
PNG_SCALE = 10
QUIET_ZONE = 4


def public_url(signboard_code, request=None):
    """The absolute address printed in the board's QR code: ``PUBLIC_BASE_URL`` when set (the host
    the public reaches, not an intranet one), else the host of the request making the code."""
    path = Signboard(public_code=signboard_code).public_path()
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    if request is None:
        raise ValueError("Set PUBLIC_BASE_URL, or give the request whose host the code should name.")
    return request.build_absolute_uri(path)


def qr_code(url):
    return segno.make(url, error=QR_ERROR, micro=False)


def qr_bytes(url, kind):
    """The QR code of ``url`` as ``kind`` (``png`` or ``svg``)."""
    if kind not in QR_FORMATS:
        raise ValueError(f"QR format {kind!r}: use one of {sorted(QR_FORMATS)}")
    buffer = io.BytesIO()
    options = {"scale": PNG_SCALE} if kind == "png" else {"xmldecl": True, "svgclass": "qr", "unit": "mm"}
    qr_code(url).save(buffer, kind=kind, border=QUIET_ZONE, **options)
    return buffer.getvalue()


@dataclass(frozen=True)
class BoardContent:
    """The published content of one board (dicts of public fields only)."""

    board: dict
    segment: dict
    chiefs: list

    @property
    def length_m(self):
        return self.segment["length_m"]


TIER_ORDER = {tier: index for index, tier in enumerate(Tier.values())}


def board_content(public_code):
    """The board with ``public_code`` and what it shows, or ``None`` for no such board. Three queries."""
    board = Signboard.objects.public().filter(public_code=public_code).first()
    if board is None:
        return None
    segment = Segment.objects.public().get(pk=board["segment_id"])
    chiefs = sorted(
        ChiefAppointment.objects.public().filter(segment_id=board["segment_id"]),
        key=lambda chief: (TIER_ORDER.get(chief["tier"], 99), chief["role"]),
    )
    return BoardContent(board=board, segment=segment, chiefs=chiefs)
