"""Keyset (cursor) pagination, shared by the HTML lists and the API.

A page is the rows that come after (or before) a row already seen, in a fixed order that ends with
the primary key, so it is unique. The database starts from that row in an index on the ordering
instead of counting its way past every row before it (OFFSET): the thousandth page costs what the
first does, and a row added meanwhile neither repeats nor hides one. Equal leading values (two
patrols started in the same second) are told apart by the fields after them.

A cursor is opaque to clients: URL-safe base64 of ``{"d": "after" | "before", "k": [values]}``.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

AFTER = "after"
BEFORE = "before"


class InvalidCursor(ValueError):
    """A cursor that this module did not make (or made for another ordering)."""


@dataclass
class KeysetPage:
    """One page: its rows in order, and the cursors of the pages on either side (None at an end)."""

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def is_first(self):
        return self.previous_cursor is None

    @property
    def has_other_pages(self):
        return self.next_cursor is not None or self.previous_cursor is not None


def _field_names(ordering):
    names = [name.removeprefix("-") for name in ordering]
    descending = {name.startswith("-") for name in ordering}
    if len(descending) != 1 or names[-1] not in ("pk", "id"):
        raise ValueError("a keyset ordering runs one way and ends with the primary key")
    return names, descending.pop()


def _encode(direction, values):
    payload = json.dumps({"d": direction, "k": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime.datetime | datetime.date) else value


def _decode(cursor, model, names):
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        direction, raw = payload["d"], payload["k"]
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError):
        raise InvalidCursor(cursor) from None
    if direction not in (AFTER, BEFORE) or not isinstance(raw, list) or len(raw) != len(names):
        raise InvalidCursor(cursor)
    values = []
    for name, value in zip(names, raw, strict=True):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if value is None:
            raise InvalidCursor(cursor)
        try:
            values.append(field.to_python(value))
        except ValidationError:
            raise InvalidCursor(cursor) from None
    return direction, values


def check_cursor(cursor, model, ordering):
    """Raises :class:`InvalidCursor` unless ``cursor`` (or no cursor) can page ``model`` in ``ordering``:
    for a page that reads its rows later (a kept fragment's miss), so that a bad link is still a 400."""
    if cursor:
        _decode(cursor, model, _field_names(ordering)[0])


def _beyond(names, values, greater):
    """Rows whose key comes strictly after ``values`` (``greater``) or before it, lexicographically.
    The leading field is also bounded on its own, so that an index on the ordering starts there."""
    lookup = "gt" if greater else "lt"
    condition = Q()
    for index, name in enumerate(names):
        equal = {names[i]: values[i] for i in range(index)}
        condition |= Q(**equal, **{f"{name}__{lookup}": values[index]})
    return Q(**{f"{names[0]}__{lookup}e": values[0]}) & condition


def paginate(queryset, ordering, cursor, size, *, ids_first=False):
    """The page of ``queryset`` in ``ordering`` that ``cursor`` points at (the first without one).

    One query; two when a page of newer rows reaches the top, where the first page is read instead,
    so that a page holds ``size`` rows wherever there are that many. Raises :class:`InvalidCursor`.

    ``ids_first``: find the page's keys first, then read its rows by key (one query more). For a wide
    table filtered to a small share of it (a street's patrols), the keys come from a covering index on
    the ordering without visiting the rows it passes over.
    """
    names, descending = _field_names(ordering)
    direction, values = _decode(cursor, queryset.model, names) if cursor else (AFTER, None)
    forward = direction == AFTER
    page = queryset if values is None else queryset.filter(_beyond(names, values, greater=forward != descending))
    order = ordering if forward else [name.removeprefix("-") if descending else f"-{name}" for name in ordering]
    ordered = page.order_by(*order)
    if ids_first:
        keys = list(ordered.values_list("pk", flat=True)[: size + 1])
        by_key = queryset.in_bulk(keys) if keys else {}
        rows = [by_key[key] for key in keys if key in by_key]
    else:
        rows = list(ordered[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if not forward:
        if not has_more:
            return paginate(queryset, ordering, None, size, ids_first=ids_first)
        rows.reverse()
    has_previous = values is not None if forward else True
    has_next = has_more if forward else True

    def key(row):
        return [_json_value(getattr(row, name)) for name in names]

    return KeysetPage(
        object_list=rows,
        next_cursor=_encode(AFTER, key(rows[-1])) if rows and has_next else None,
        previous_cursor=_encode(BEFORE, key(rows[0])) if rows and has_previous else None,
    )
