"""Writing many rows at once, for the scale generator (``demo.scale`` and the apps' ``grow_*`` steps).

On PostgreSQL the rows go in by ``COPY … FROM STDIN`` (their keys reserved from the table's sequence first,
so that rows written next can refer to them); elsewhere by multi-row ``INSERT`` statements. Values are
written as the fields store them: JSON by the field's encoder, geometries as EWKB, datetimes with their
zone. Nothing here validates: the callers check their rows (``demo.scale.check_rows``) before writing.
"""

import io
import json
import uuid

from django.db import connection

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
    by_column = {field.column: field for field in model._meta.concrete_fields}
    fields = [by_column[column] for column in columns]
    if connection.vendor == "postgresql":
        _copy(model, columns, fields, rows, batch)
    else:
        _insert(model, columns, fields, rows, batch)
    return len(rows)


# --- PostgreSQL: COPY in its text format ------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_writer(field):
    """How a field's value is written in COPY's text format (None is ``\\N`` for every field)."""
    if field.get_internal_type() == "JSONField":
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder, ensure_ascii=False).translate(_ESCAPES)
    if hasattr(field, "geom_type"):
        srid = field.srid

        def geometry(value):
            if value.srid is None:
                value.srid = srid
            return value.hexewkb.decode("ascii")

        return geometry
    if field.get_internal_type() == "BooleanField":
        return lambda value: "t" if value else "f"
    if field.get_internal_type() in ("FileField", "ImageField"):
        return lambda value: str(getattr(value, "name", value) or "").translate(_ESCAPES)

    def plain(value):
        if isinstance(value, uuid.UUID):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value).translate(_ESCAPES)

    return plain


def _copy(model, columns, fields, rows, batch):
    writers = [_text_writer(field) for field in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            buffer = io.StringIO()
            for row in rows[start : start + batch]:
                buffer.write(
                    "\t".join(
                        "\\N" if value is None else write(value) for write, value in zip(writers, row, strict=True)
                    )
                )
                buffer.write("\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


# --- Elsewhere: multi-row INSERT ----------------------------------------------------------------------------


def _insert(model, columns, fields, rows, batch):
    compiler = model.objects.all().query.get_compiler(connection=connection)

    def preparer(field):
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            return connection.ops.adapt_datetimefield_value
        if kind in ("JSONField", "FileField", "ImageField") or hasattr(field, "geom_type"):
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
                for index in geometries:
                    marks[index] = fields[index].get_placeholder(row[index], compiler, connection)
                placeholders.append("(" + ", ".join(marks) + ")")
                for prepare, mark, value in zip(preparers, marks, row, strict=True):
                    if mark == "NULL":
                        continue
                    params.append(value if prepare is None or value is None else prepare(value))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join(placeholders)}", params)
