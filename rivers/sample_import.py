"""Sample files (xlsx or CSV): the template, the per-row validation report, and the import itself —
the whole file or nothing, and a file imported twice stores each sample once.

Columns (first row, in any order): ``station_code``, ``sampled_at`` (``YYYY-MM-DD HH:MM``, or a date,
or a spreadsheet date), ``source`` (``lab`` or ``manual``; empty: lab) and one column per indicator code
of ``rivers.gb3838.INDICATORS`` (``do``, ``codmn``, ``cod``, ``bod5``, ``nh3n``, ``tp``, ``tn``, ``ph``, …);
an empty cell is an indicator not measured. Headers may also be the template's Chinese labels. Workbooks are read
with python-calamine, written (the template) with openpyxl.
"""

import csv
import datetime
import io
import os

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from rivers import gb3838
from rivers.choices import SampleInterval, SampleSource
from rivers.models import ImportStatus, SampleImport, Station
from rivers.samples import FUTURE_SLACK, new_sample, store_samples
from wushui.jobs import set_progress
from wushui.scoping import CHANGE

STATION = "station_code"
SAMPLED_AT = "sampled_at"
SOURCE = "source"
INDICATOR_COLUMNS = tuple(gb3838.INDICATORS)
COLUMNS = (STATION, SAMPLED_AT, SOURCE, *INDICATOR_COLUMNS)
# The Chinese headers a lab may keep from the template's second row of labels.
ALIASES = {
    "站位编码": STATION,
    "断面编码": STATION,
    "采样时间": SAMPLED_AT,
    "来源": SOURCE,
    "溶解氧": "do",
    "高锰酸盐指数": "codmn",
    "化学需氧量": "cod",
    "五日生化需氧量": "bod5",
    "氨氮": "nh3n",
    "总磷": "tp",
    "总氮": "tn",
    "ph值": "ph",
    "水温": "temperature",
    "电导率": "conductivity",
    "浊度": "turbidity",
}
SOURCES = {
    "": SampleSource.LAB,
    "lab": SampleSource.LAB,
    "实验室": SampleSource.LAB,
    "manual": SampleSource.MANUAL,
    "手工": SampleSource.MANUAL,
}
# A report lists this many errors; the count says how many more there were.
MAX_REPORTED_ERRORS = 500
EARLIEST = datetime.datetime(2000, 1, 1)
EXTENSIONS = (".xlsx", ".csv")


class ImportRefused(Exception):
    """The file as a whole cannot be read (not xlsx or CSV, no header, a missing column)."""


def template_workbook():
    """The downloadable template: the columns, an example row, and a sheet naming each indicator."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "samples"
    sheet.append(list(COLUMNS))
    sheet.append(["LW-S001", "2026-03-05 10:00", "lab", 6.2, 4.1, 18, 3.2, 0.85, 0.18, 1.9, 7.4, 16.5, None, None])
    guide = workbook.create_sheet("indicators")
    guide.append([_("Column"), _("Meaning"), _("Unit"), "I", "II", "III", "IV", "V"])
    guide.append([STATION, _("Station code"), "", "", "", "", "", ""])
    guide.append([SAMPLED_AT, _("Sampled at (YYYY-MM-DD HH:MM, local time)"), "", "", "", "", "", ""])
    guide.append([SOURCE, _("lab or manual (empty: lab)"), "", "", "", "", "", ""])
    for code, indicator in gb3838.INDICATORS.items():
        limits = list(indicator.limits or ())
        guide.append([code, str(indicator.label), indicator.unit, *limits])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["LW-S001", "2026-03-05 10:00", "lab", 6.2, 4.1, 18, 3.2, 0.85, 0.18, 1.9, 7.4, 16.5, "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def read_table(handle, name):
    """The rows of an uploaded file as lists of cells (the header first)."""
    extension = os.path.splitext(name)[1].lower()
    if extension == ".csv":
        try:
            text = handle.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(_("The CSV file is not UTF-8 text.")) from None
        return list(csv.reader(io.StringIO(text)))
    if extension == ".xlsx":
        # calamine (Rust) reads a workbook ten times as fast as openpyxl's read-only mode, which alone
        # took longer than the whole import of a CSV file of the same rows (docs/benchmarks.md).
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
            return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception:  # a damaged or foreign file: calamine says so in many ways
            raise ImportRefused(_("The file is not an Excel workbook (xlsx) that can be read.")) from None
    raise ImportRefused(_("Upload an .xlsx or a .csv file."))


def _header(cells):
    columns = []
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        columns.append(ALIASES.get(text.lower(), ALIASES.get(text, text.lower())))
    missing = [column for column in (STATION, SAMPLED_AT) if column not in columns]
    if missing:
        raise ImportRefused(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    unknown = [column for column in columns if column and column not in COLUMNS]
    if unknown:
        raise ImportRefused(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    duplicated = sorted({column for column in columns if column and columns.count(column) > 1})
    if duplicated:
        raise ImportRefused(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(duplicated)})
    return columns


def parse_time(value, now, zone=None):
    """A cell as an aware local time: a spreadsheet date or time, or text ``YYYY-MM-DD[ HH:MM[:SS]]``."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        text = str(value or "").strip().replace("/", "-").replace("T", " ")
        if not text:
            raise ValueError(_("Enter the time the sample was taken."))
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Enter a time as YYYY-MM-DD HH:MM.")) from None
    if moment.tzinfo is None:
        if moment < EARLIEST:
            raise ValueError(_("A sample from before 2000?"))
        moment = timezone.make_aware(moment, zone)
    if moment > now + FUTURE_SLACK:
        raise ValueError(_("A sample cannot be taken in the future."))
    return moment


class Validation:
    """Reads and checks every row, keeping one error per field and row."""

    def __init__(self, user):
        self.user = user
        self.errors = []
        self.error_count = 0
        self.samples = []
        self.rows = 0

    def error(self, row, field, message):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": field, "message": str(message)})

    def run(self, table):
        if not table:
            raise ImportRefused(_("The file is empty."))
        columns = _header(table[0])
        codes = {row[columns.index(STATION)] for row in table[1:] if len(row) > columns.index(STATION)}
        codes = {str(code).strip() for code in codes if code not in (None, "")}
        # Stations the user may add samples to; a code outside that scope is as unknown as a missing one.
        stations = {
            station.code: station
            for station in Station.objects.restrict(self.user, CHANGE)
            .filter(code__in=codes)
            .only("pk", "code", "target_class", "water_type", "responsible_chief_id")
        }
        now = timezone.now()
        self.zone = timezone.get_current_timezone()
        seen = {}
        for number, cells in enumerate(table[1:], start=2):
            if all(cell in (None, "") for cell in cells):
                continue
            self.rows += 1
            record = dict(zip(columns, cells, strict=False))
            self.row(number, record, stations, now, seen)

    def row(self, number, record, stations, now, seen):
        errors_before = self.error_count
        code = str(record.get(STATION) or "").strip()
        station = stations.get(code)
        if not code:
            self.error(number, STATION, _("Enter the station code."))
        elif station is None:
            self.error(number, STATION, _("Unknown station code %(code)s.") % {"code": code})
        try:
            sampled_at = parse_time(record.get(SAMPLED_AT), now, self.zone)
        except ValueError as error:
            self.error(number, SAMPLED_AT, error)
            sampled_at = None
        source_text = str(record.get(SOURCE) or "").strip().lower()
        source = SOURCES.get(source_text)
        if source is None:
            self.error(number, SOURCE, _("The source is lab or manual."))
        values = {}
        for column in INDICATOR_COLUMNS:
            cell = record.get(column)
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            try:
                values[column] = gb3838.check_value(column, cell.strip() if isinstance(cell, str) else cell)
            except gb3838.ImpossibleValue as error:
                self.error(number, column, error)
        if not values and self.error_count == errors_before:
            self.error(number, "values", _("The row has no indicator value."))
        if self.error_count > errors_before:
            return
        key = (station.pk, source, sampled_at)
        if key in seen:
            self.error(number, SAMPLED_AT, _("Row %(row)s has the same station, source and time.") % {"row": seen[key]})
            return
        seen[key] = number
        self.samples.append(new_sample(station, sampled_at, source, SampleInterval.INSTANT, values))


def import_file(sample_import, progress=None):
    """Validate and, when every row is right, store the file's samples; the report stays on the
    ``SampleImport``. Nothing is stored from a file with any error."""
    sample_import.status = ImportStatus.RUNNING
    sample_import.save(update_fields=["status"])
    validation = Validation(sample_import.requested_by)
    try:
        with sample_import.file.open("rb") as handle:
            validation.run(read_table(handle, sample_import.original_name))
    except ImportRefused as error:
        validation.error(1, "file", error)
    if progress:
        progress(50)
    sample_import.rows = validation.rows
    if validation.error_count:
        sample_import.status = ImportStatus.REFUSED
        sample_import.errors = validation.errors
        if validation.error_count > len(validation.errors):
            sample_import.errors.append(
                {
                    "row": None,
                    "field": "file",
                    "message": _("… and %(count)s more errors.")
                    % {"count": validation.error_count - len(validation.errors)},
                }
            )
    else:
        result = store_samples(validation.samples)
        sample_import.status = ImportStatus.IMPORTED
        sample_import.created, sample_import.updated = result.created, result.updated
        sample_import.errors = []
    sample_import.finished_at = timezone.now()
    fields = ["status", "rows", "created", "updated", "errors", "finished_at"]
    if sample_import.status == ImportStatus.REFUSED:
        # The report stays; the refused file does not.
        sample_import.file.delete(save=False)
        fields.append("file")
    sample_import.save(update_fields=fields)
    return sample_import


def is_large(upload):
    """Whether a file is imported by a worker (a recorded job) rather than within the request."""
    return upload.size > settings.SAMPLE_IMPORT_SYNC_BYTES


def report_csv(sample_import):
    """The per-row report as CSV: row, column, message (or the counts of an imported file)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Column"), _("Message")])
    if sample_import.status == ImportStatus.IMPORTED:
        counts = {"created": sample_import.created, "updated": sample_import.updated}
        writer.writerow(["", "", _("%(created)s new samples, %(updated)s already stored.") % counts])
    for error in sample_import.errors:
        writer.writerow([error["row"] or "", error["field"], error["message"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def run_import_job(job):
    """The recorded job of a large import: the import, then its report as the job's file."""
    sample_import = SampleImport.objects.select_related("requested_by").get(job=job)
    import_file(sample_import, progress=lambda percent: set_progress(job, percent))
    return f"sample-import-{sample_import.pk}-report.csv", report_csv(sample_import)
