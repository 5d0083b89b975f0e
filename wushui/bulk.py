"""Writing many rows at once, for the scale generator (``demo.scale`` and the apps' ``grow_*`` steps).

On PostgreSQL the rows go in by ``COPY … FROM STDIN`` (their keys reserved from the table's sequence first,
so that rows written next can refer to them); elsewhere by multi-row ``INSERT`` statements. Values are
written as the fields store them: JSON by the field's encoder, geometries as EWKB, datetimes with their
zone. Nothing here validates: the callers check their rows (``demo.scale.check_rows``) before writing.

Most of the Python of writing is formatting the rows, which needs no database (``prepare_rows``,
``RowFormatter``): it can be done where the rows are drawn. ``drawn_ahead`` draws the next batches in a
thread while the caller writes one, and ``drawn_apart`` in a process: PostgreSQL parses, checks and
indexes a batch in a process of its own, while Python draws the next.
"""

import io
import json
import multiprocessing
import queue
import sys
import threading
import traceback
import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils import timezone, translation

BATCH = 2000


def reserve_ids(model, count):
    """``count`` new keys from ``model``'s sequence (PostgreSQL), in order; None elsewhere."""
    if connection.vendor != "postgresql" or not count:
        return None
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def new_keys(model, count):
    """``count`` new keys for rows of ``model`` written with ``insert_rows``, in order: from the table's
    sequence on PostgreSQL (``reserve_ids``), elsewhere those after the largest key (SQLite's sequence
    follows the largest key written)."""
    if connection.vendor == "postgresql":
        return reserve_ids(model, count) or []
    largest = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return list(range(largest + 1, largest + 1 + count))


def insert_objects(model, objects):
    """Write unsaved ``objects`` of ``model`` with every concrete field as the objects hold it; each gets
    its key. Returns how many."""
    objects = list(objects)
    if connection.vendor != "postgresql":
        for start in range(0, len(objects), BATCH):
            model.objects.bulk_create(objects[start : start + BATCH])
        return len(objects)
    for obj, pk in zip(objects, reserve_ids(model, len(objects)) or [], strict=True):
        # As bulk_create does: a related object saved meanwhile lends its key to the foreign key.
        obj._prepare_related_fields_for_save(operation_name="insert_objects")
        obj.pk = pk
    fields = list(model._meta.concrete_fields)
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    for obj in objects:
        for field in stamped:
            if getattr(obj, field.attname) is None:
                field.pre_save(obj, add=True)
    insert_rows(
        model, [field.column for field in fields], [[getattr(obj, f.attname) for f in fields] for obj in objects]
    )
    return len(objects)


def insert_rows(model, columns, rows, batch=BATCH):
    """Write ``rows`` (sequences in the order of ``columns``, column names) into ``model``'s table."""
    return write_prepared(prepare_rows(model, columns, rows, batch))


@dataclass
class Prepared:
    """Rows of one table made ready to write (``prepare_rows``)."""

    model: type
    columns: list
    count: int
    batch: int
    copies: list = None  # PostgreSQL: (COPY statement, its text) for each batch
    rows: list = None  # elsewhere: the rows as given


def prepare_rows(model, columns, rows, batch=BATCH):
    """``rows`` for ``model``'s table (as ``insert_rows`` takes them) made ready for ``write_prepared``
    without the database: on PostgreSQL formatted as the text of their COPY statements, most of the
    Python of writing them, so that a thread drawing ahead can do it (``drawn_ahead``); elsewhere
    kept as they are."""
    formatter = RowFormatter(model, columns)
    return formatter.prepared([formatter.format(row) for row in rows], batch)


class RowFormatter:
    """Formats rows of ``model``'s ``columns`` one by one for ``prepared``: on PostgreSQL as lines of
    COPY text, elsewhere not at all. For rows that are not all known at once (a batch of patrols
    whose partial walks are measured in the database). One formatter per thread: it remembers the
    JSON it encoded last."""

    def __init__(self, model, columns):
        self.model, self.columns = model, list(columns)
        self.copying = connection.vendor == "postgresql"
        self.writers = [_text_writer(field) for field in _fields(model, columns)] if self.copying else None

    def format(self, row):
        if not self.copying:
            return row
        return "\t".join(
            ["\\N" if value is None else write(value) for write, value in zip(self.writers, row, strict=True)]
        )

    def prepared(self, formatted, batch=BATCH):
        """The rows ``format`` made, in order, ready for ``write_prepared``."""
        if not self.copying:
            return Prepared(self.model, self.columns, len(formatted), batch, rows=formatted)
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        statement = f"COPY {table} ({names}) FROM STDIN"
        copies = [
            (statement, "\n".join(formatted[start : start + batch]) + "\n") for start in range(0, len(formatted), batch)
        ]
        return Prepared(self.model, self.columns, len(formatted), batch, copies=copies)


def write_prepared(prepared):
    """Write rows made ready by ``prepare_rows``; returns how many."""
    if prepared.copies is not None:
        for statement, text in prepared.copies:
            _send(statement, text)
    else:
        fields = _fields(prepared.model, prepared.columns)
        _insert(prepared.model, prepared.columns, fields, prepared.rows, prepared.batch)
    return prepared.count


def _fields(model, columns):
    by_column = {field.column: field for field in model._meta.concrete_fields}
    return [by_column[column] for column in columns]


# --- PostgreSQL: COPY in its text format ------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NUMBERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "FloatField",
    "DecimalField",
}
_MOMENTS = {"DateTimeField", "DateField", "TimeField"}


def _text_writer(field):
    """How a field's value is written in COPY's text format (None is ``\\N`` for every field). Chosen once
    per column by the field's type: a growth writes tens of millions of values."""
    if field.is_relation:
        return _text_writer(field.target_field)
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json_writer(field.encoder)
    if hasattr(field, "geom_type"):
        return _geometry_writer(field.srid)
    if kind == "BooleanField":
        return lambda value: "t" if value else "f"
    if kind in ("FileField", "ImageField"):
        return lambda value: str(getattr(value, "name", value) or "").translate(_ESCAPES)
    if kind in _NUMBERS or kind == "UUIDField":
        return str
    if kind in _MOMENTS:
        return _moment
    return _plain


def _json_writer(encoder):
    # What json.dumps(value, cls=encoder, ensure_ascii=False) makes, without a new encoder each time.
    encode = (encoder or json.JSONEncoder)(ensure_ascii=False).encode
    last = [None, ""]  # the value written last and its text

    def write(value):
        # Rows in a row often hold the same dict (the rules of a segment's patrols): encoded once.
        if value is not last[0]:
            last[:] = value, encode(value).translate(_ESCAPES)
        return last[1]

    return write


def _geometry_writer(srid):
    def write(value):
        # EWKB the caller packed itself, or a GEOS geometry.
        if isinstance(value, bytes):
            return value.hex()
        if value.srid is None:
            value.srid = srid
        return value.hexewkb.decode("ascii")

    return write


def _moment(value):
    try:
        return value.isoformat()
    except AttributeError:
        return _plain(value)


def _plain(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def _send(statement, text):
    # Django's errors (IntegrityError…) for psycopg2's, as for the statements Django runs itself.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # One read of the whole batch (psycopg2 reads 8 KB at a time by default, each read taking the GIL).
        cursor.cursor.copy_expert(statement, io.StringIO(text), size=max(len(text), 8192))


# --- Drawing ahead ----------------------------------------------------------------------------------------

# Batches drawn ahead of the one being written: enough to keep both busy, few enough to bound the memory.
DRAW_AHEAD = 2


def drawn_ahead(batches, depth=DRAW_AHEAD):
    """Iterate ``batches``, produced in a thread of their own up to ``depth`` ahead of the caller.

    The caller writes: its statements wait for PostgreSQL (a COPY being parsed, checked and indexed, a
    track's coverage being measured), and a thread waiting for the database lets another run Python.
    ``batches`` only computes: it must not use the database, which stays the caller's, in the
    caller's thread and transaction; it draws in the same order as without the thread, and in the
    caller's time zone and language (Django keeps both per thread), so what it yields is the same. An
    error raised while drawing is raised here, in the caller's thread; when the caller stops early,
    the drawing stops too."""
    pipe = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()
    zone, language = timezone.get_current_timezone(), translation.get_language()

    def draw():
        timezone.activate(zone)
        if language:
            translation.activate(language)
        try:
            for batch in batches:
                if not _offer(pipe, (batch, None), stop):
                    return
            _offer(pipe, (done, None), stop)
        except BaseException as error:  # raised in the caller's thread
            _offer(pipe, (done, error), stop)

    thread = threading.Thread(target=draw, name="drawn-ahead", daemon=True)
    thread.start()
    try:
        while True:
            batch, error = pipe.get()
            if error is not None:
                raise error
            if batch is done:
                return
            yield batch
    finally:
        stop.set()
        thread.join()


def drawn_apart(batches):
    """Iterate ``batches``, produced in a process of their own: a fork of this one, so that it starts
    with everything drawn so far, and drawing has a core to itself instead of sharing the interpreter
    with the writing (``drawn_ahead``), while PostgreSQL has the other.

    What ``drawn_ahead`` asks of ``batches`` holds here, and more: each batch must pickle, and be
    small, since it is sent back through a pipe; and the drawing must not touch the database, whose
    connection the forked process shares with this one. The process ends by ``os._exit``, as
    multiprocessing's forked processes do, so it closes nothing on the way out. An error raised
    while drawing is raised here. Where processes are not forked (not Linux), the batches are drawn
    ahead in a thread."""
    if sys.platform != "linux":
        yield from drawn_ahead(batches)
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_draw_apart, args=(batches, reader, writer), name="drawn-apart", daemon=True)
    process.start()
    writer.close()
    try:
        # Received in a thread, so that the process can draw ahead while the caller writes.
        yield from drawn_ahead(_received(reader, process))
    finally:
        reader.close()
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join()


def _received(reader, process):
    """The batches the drawing process sends, until it is done; raises the error that stopped it."""
    while True:
        try:
            kind, value = reader.recv()
        except EOFError:
            process.join()
            raise RuntimeError(f"The drawing process ended unexpectedly (exit code {process.exitcode}).") from None
        if kind == "error":
            raise value
        if kind == "done":
            return
        yield value


def _draw_apart(batches, reader, writer):
    """In the forked process: send each batch, then ``done``, or the error that stopped the drawing."""
    # The caller's end, closed here so that the pipe breaks when the caller closes it.
    reader.close()
    try:
        for batch in batches:
            writer.send(("batch", batch))
        writer.send(("done", None))
    except (BrokenPipeError, EOFError):
        pass  # the caller stopped reading
    except BaseException as error:  # raised in the caller's process
        try:
            writer.send(("error", error))
        except Exception:  # an error that does not pickle, told by its traceback
            writer.send(("error", RuntimeError(traceback.format_exc())))
    finally:
        writer.close()


def _offer(pipe, item, stop):
    """Put ``item`` in ``pipe`` unless the reader stopped; whether it went in."""
    while not stop.is_set():
        try:
            pipe.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


# --- Elsewhere: multi-row INSERT ----------------------------------------------------------------------------


def _insert(model, columns, fields, rows, batch):
    compiler = model.objects.all().query.get_compiler(connection=connection)

    def preparer(field):
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            return connection.ops.adapt_datetimefield_value
        if kind in ("JSONField", "FileField", "ImageField", "UUIDField") or hasattr(field, "geom_type"):
            return lambda value: field.get_db_prep_save(value, connection)
        return None

    preparers = [preparer(field) for field in fields]
    geometries = [index for index, field in enumerate(fields) if hasattr(field, "geom_type")]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    plain = ["%s"] * len(columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            params, placeholders = [], []
            for row in rows[start : start + batch]:
                marks = list(plain)
                if geometries:
                    row = list(row)
                for index in geometries:
                    if isinstance(row[index], bytes):
                        # EWKB the caller packed itself: the placeholder asks a geometry for its SRID.
                        row[index] = GEOSGeometry(memoryview(row[index]))
                    marks[index] = fields[index].get_placeholder(row[index], compiler, connection)
                placeholders.append("(" + ", ".join(marks) + ")")
                for prepare, mark, value in zip(preparers, marks, row, strict=True):
                    if mark == "NULL":
                        continue
                    params.append(value if prepare is None or value is None else prepare(value))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join(placeholders)}", params)
