"""Grow the demo district to the size of Wenzhou (``manage.py grow_district``).

At ``scale=1`` the district gains about 100 streets, 2,300 villages, 5,000 segments of 3,800 water
bodies, 7,500 chiefs in office over the three tiers with some predecessors, and 400,000 patrols over
the last twelve months; every figure grows with the scale (8: a province). The rows are the ones the
product could have made: the same models, the same codes and constraints, the product's own
measuring and verdict functions (see ``inspections.demo.grow_patrols``), written with
``bulk_create`` in batches because submitting 400,000 patrols through the service would take an
hour.

The growth is a list of steps (:data:`STEPS`). A step is a function taking the :class:`Growth` and
returning ``{table: rows written}``; it may read what earlier steps wrote from the database, or, for
the steps of this module, from the ``Growth``. Each domain keeps its own step in its demo module
(``inspections.demo.grow_patrols``); a domain that needs rows at scale (problems, samples,
projects) adds its function to :data:`STEPS` after the rows it builds on, draws its randomness from
``growth.rng(...)`` and its dates from ``growth.window_start``/``growth.today``, and finds the grown
segments through ``growth.grown_segments()``.

Determinism: every generator is keyed by ``--seed`` and by the place it draws for (a street, a
segment's appointment), so the same seed, scale and ``today`` give the same rows. The map: the
Longwan of ``seed_demo`` stays where it is; new streets are 4 × 6 blocks of village cells of one
jittered lattice over the rest of the service area (``wushui.geo.SERVICE_AREA``), cells shrinking as
the scale grows, so villages partition their street, streets the new area, and the district's
boundary becomes the union of the old and the new.

A grown database is not grown again: the command refuses when grown rows exist (``GrowthError``).
"""

import contextlib
import datetime
import itertools
import math
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Polygon
from django.db import connection, transaction
from django.utils import timezone

from demo import geography
from inspections.demo import grow_patrols, grow_problems
from projects.demo import grow_projects
from rivers.choices import ChiefRole, WaterBodyKind
from rivers.demo import grow_quality
from rivers.models import ChiefAppointment, Segment, WaterBody
from wushui.choices import RegionLevel, Role, Tier, UnitKind
from wushui.geo import SERVICE_AREA, length_m, to_metric
from wushui.models import Region, Unit, User

DEFAULT_SEED = 2026
# Streets use three digits of the region code (330303NNN000), and Longwan holds the first ten.
MAX_SCALE = 9.0
STREETS_PER_SCALE = 100
# A street is a block of village cells; one or two pairs of cells merge into one village, so that
# streets differ and the district has about 23 villages per street, as Wenzhou does.
BLOCK_COLUMNS, BLOCK_ROWS = 4, 6
MERGED_PAIRS = (0, 1, 1, 2)
# A Wenzhou village is 1–3 km across; a province's cells shrink to fit its streets in the area.
MAX_CELL_KM = 1.5
CELL_SHRINK = 0.97
VERTEX_JITTER = 0.18
EDGE_PIECES = 6
EDGE_WIGGLE_SHARE = 0.025
# The grown area: the service area less a margin, around Longwan less a margin of its own.
AREA_MARGIN_DEGREES = 0.02
LONGWAN_MARGIN_DEGREES = 0.012

# Waters: two street rivers across each street from north to south, one district river along each
# row of streets, and one or two village waters (ditches, ponds) in each village.
STREET_RIVERS = 2
VILLAGE_WATERS = (1, 1, 2, 2, 2)
POND_SHARE = 0.15
# Shapes are those of seed_demo's map, scaled with the cell: its cells are 3 km across.
DEMO_CELL_KM = 3.0
MIN_SEGMENT_SHARE = 0.2  # of a cell: shorter pieces where a river grazes a neighbour are dropped
VILLAGE_WATER_ATTEMPTS = 6
WATER_CODE_PREFIX = "WZ"

# People: every segment of a street has a street-tier chief, one of its leaders; every segment in a
# village a village-tier chief of its own; some streets' police stations name a police chief.
STREET_CHIEFS = 25
POLICE_STREET_SHARE = 0.4
# Share of segments whose chief changed in the last year, so that the registry shows history.
HISTORY_SHARE = 0.1
USERNAME_PREFIX = "wz"
PHONE_PREFIXES = ("138", "139", "135", "137", "158", "159", "186", "187", "133")
DEMO_PASSWORD = "wushui-demo"

WRITE_BATCH = 2000
PLACE_CHARACTERS = (
    "安白宝北滨昌城川大东丰凤港高横湖花华黄金锦兰蓝乐龙鹿梅南宁平浦桥青清瑞三山上石塘田湾溪霞新阳瑶永云泽樟中竹"
)
RIVER_SUFFIXES = ("河", "浦", "塘河", "溪")
VILLAGE_RIVER_PLACES = ("前", "后", "东", "西", "南", "北", "上", "下")
STREET_POSTS = (
    "党工委书记",
    "办事处主任",
    "党工委副书记",
    "人大工委主任",
    "办事处副主任",
    "党工委委员",
    "武装部部长",
    "纪工委书记",
)
DISTRICT_POSTS = ("区委常委", "副区长", "区人大常委会副主任", "区政协副主席")
DISTRICT_POLICE_POST = "区公安分局副局长"


class GrowthError(Exception):
    """The district cannot be grown: not seeded, already grown, or asked for an impossible scale."""


# --- Progress -------------------------------------------------------------------------------------------


class Progress:
    """One line per step through ``write`` (stderr by default), rewritten at most every ``interval`` seconds."""

    def __init__(self, write=None, flush=None, interval=1.0):
        self.write = write or sys.stderr.write
        self.flush = flush or (sys.stderr.flush if write is None else (lambda: None))
        self.interval = interval

    def start(self, name, total):
        return Ticker(self, name, total)


class Ticker:
    """The progress of one step: ``advance`` after each batch, ``finish`` at the end."""

    def __init__(self, progress, name, total):
        self.progress, self.name, self.total = progress, name, max(1, total)
        self.done = 0
        self.started = self.shown = time.monotonic()
        self._show()

    def advance(self, count=1):
        self.done += count
        if time.monotonic() - self.shown >= self.progress.interval:
            self._show()

    def finish(self):
        self.done = max(self.done, self.total)
        self._show(end="\n")

    def _show(self, end=""):
        self.shown = time.monotonic()
        share = min(1.0, self.done / self.total)
        line = (
            f"\r  {self.name:<12} {self.done:>10,} / {self.total:,}  {share:4.0%}  {self.shown - self.started:6.1f} s"
        )
        self.progress.write(line + end)
        self.progress.flush()


# --- The growth -----------------------------------------------------------------------------------------


@dataclass
class Growth:
    """What every step is given: the scale, the seed, the day the year of history ends, the district,
    the progress line; and, filled in by this module's steps, the map and the rows they wrote."""

    scale: float
    seed: int
    today: datetime.date
    district: Region
    progress: Progress
    map: "GrownMap" = None
    regions: dict = field(default_factory=dict)  # code -> Region
    offices: dict = field(default_factory=dict)  # street code -> its street office (Unit)
    segments: list = field(default_factory=list)  # the Segments written, with region and water body

    def rng(self, *key):
        """A generator of its own for ``key`` (a step and a place): what one place draws never
        depends on how many draws another took."""
        return random.Random(":".join(str(part) for part in (self.seed, *key)))

    @property
    def window_start(self):
        """The first day of the year of history."""
        return self.today - datetime.timedelta(days=365)

    def count(self, per_scale, minimum=1):
        return max(minimum, round(per_scale * self.scale))

    @staticmethod
    def grown_segments():
        """The segments this growth added, for the domain steps."""
        return Segment.objects.filter(code__startswith=WATER_CODE_PREFIX)


def grow(scale, seed=DEFAULT_SEED, today=None, progress=None, steps=None):
    """Run every step in one transaction; returns ``{table: rows written}``. Raises ``GrowthError``."""
    if not 0 < scale <= MAX_SCALE:
        raise GrowthError(f"The scale must lie above 0 and at most {MAX_SCALE:g} (region codes run out).")
    district = Region.objects.filter(code=geography.DISTRICT_CODE, level=RegionLevel.DISTRICT).first()
    if district is None:
        raise GrowthError("The demo district is missing: run `manage.py seed_demo` first.")
    if Growth.grown_segments().exists():
        raise GrowthError(
            "This database is already grown (segments coded WZ… exist); grow_district runs once on a freshly "
            "seeded database."
        )
    growth = Growth(scale, seed, today or timezone.localdate(), district, progress or Progress())
    written = {}
    with transaction.atomic(), foreign_keys_checked_per_statement():
        for step in steps or STEPS:
            for table, rows in step(growth).items():
                written[table] = written.get(table, 0) + rows
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather them on a database that grew over a year.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return written


@contextlib.contextmanager
def foreign_keys_checked_per_statement():
    """Check the foreign keys at the end of each statement instead of at commit (PostgreSQL).

    Django declares them ``DEFERRABLE INITIALLY DEFERRED``: at scale 1 PostgreSQL then checks two
    million keys at commit, half a minute with the client idle. Checked after each COPY they are
    part of writing the batch, while the next one is drawn (``wushui.bulk.drawn_ahead``). The steps
    write every row after the rows it refers to, so the same keys are checked and hold. ``SET
    CONSTRAINTS ALL DEFERRED`` afterwards puts back what the schema declares, every deferrable
    constraint being initially deferred; a growth that fails is rolled back, and the setting with it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def bulk_create(model, rows):
    """``bulk_create`` in batches of ``WRITE_BATCH``; the rows get their keys."""
    for start in range(0, len(rows), WRITE_BATCH):
        model.objects.bulk_create(rows[start : start + WRITE_BATCH])
    return len(rows)


def check_rows(rows, exclude=(), clean=True):
    """The model's own field and row rules (``clean_fields`` and ``clean``) on each row. Uniqueness,
    constraints and foreign keys (to rows just written) hold by construction and are tested: a
    query per row would cost minutes."""
    for row in rows:
        relations = [field.name for field in row._meta.fields if field.is_relation]
        row.clean_fields(exclude=[*exclude, *relations])
        if clean:
            row.clean()


# --- The map --------------------------------------------------------------------------------------------


class GrownLattice:
    """The jittered lattice the grown area is drawn on, in lattice coordinates ``(u, v)`` (``u``
    eastwards, ``v`` southwards, one unit a cell) like ``demo.geography.Lattice``.

    Vertices and edges are drawn when first asked for, each from a generator keyed by its place, so
    the map does not depend on the order in which it is drawn. Neighbouring cells share every
    vertex of the edge between them exactly: the cells partition the area.
    """

    def __init__(self, seed, west, north, cell_km):
        self.seed = seed
        self.west, self.north = west, north
        self.cell_km = cell_km
        self.cell_lon = cell_km / geography.KM_PER_DEGREE_LON
        self.cell_lat = cell_km / geography.KM_PER_DEGREE_LAT
        self._vertices = {}
        self._edges = {}

    def _rng(self, *key):
        return random.Random(":".join(str(part) for part in (self.seed, "lattice", *key)))

    def vertex(self, column, row):
        key = (column, row)
        if key not in self._vertices:
            rng = self._rng("vertex", column, row)
            u = column + rng.uniform(-VERTEX_JITTER, VERTEX_JITTER)
            v = row + rng.uniform(-VERTEX_JITTER, VERTEX_JITTER)
            self._vertices[key] = (self.west + u * self.cell_lon, self.north - v * self.cell_lat)
        return self._vertices[key]

    def edge(self, start, end):
        """The points of the edge between two neighbouring vertices, from ``start`` to ``end``."""
        key = (min(start, end), max(start, end))
        if key not in self._edges:
            self._edges[key] = self._wiggle(key)
        points = self._edges[key]
        return points if key[0] == start else points[::-1]

    def _wiggle(self, key):
        rng = self._rng("edge", *key[0], *key[1])
        (ax, ay), (bx, by) = (geography.to_km(*self.vertex(*vertex)) for vertex in key)
        length = math.dist((ax, ay), (bx, by))
        normal = (-(by - ay) / length, (bx - ax) / length)
        # Sine harmonics vanish at both ends, so the vertices stay where the neighbours expect them.
        amplitudes = [rng.uniform(-1, 1) * EDGE_WIGGLE_SHARE * self.cell_km / harmonic for harmonic in (1, 2, 3)]
        points = [self.vertex(*key[0])]
        for piece in range(1, EDGE_PIECES):
            t = piece / EDGE_PIECES
            offset = sum(a * math.sin((h + 1) * math.pi * t) for h, a in enumerate(amplitudes))
            x, y = ax + t * (bx - ax) + offset * normal[0], ay + t * (by - ay) + offset * normal[1]
            points.append(geography.from_km(x, y))
        points.append(self.vertex(*key[1]))
        return points

    def outline(self, column, row, width, height, what):
        """The polygon of the block of cells ``width`` × ``height`` whose north-west cell is ``(column, row)``."""
        east, south = column + width, row + height
        corners = (
            [(c, row) for c in range(column, east)]
            + [(east, r) for r in range(row, south)]
            + [(c, south) for c in range(east, column, -1)]
            + [(column, r) for r in range(south, row, -1)]
        )
        ring = []
        for start, end in zip(corners, corners[1:] + corners[:1], strict=True):
            ring.extend(self.edge(start, end)[:-1])
        ring.append(ring[0])
        polygon = Polygon(ring, srid=4326)
        if not polygon.valid:
            raise GrowthError(f"The drawn boundary of {what} is not a valid polygon: {polygon.valid_reason}")
        return polygon

    def point(self, u, v):
        """Lattice coordinates to (lon, lat), bilinear inside the jittered cell."""
        column, row = math.floor(u), math.floor(v)
        fu, fv = u - column, v - row
        corners = (
            (self.vertex(column, row), (1 - fu) * (1 - fv)),
            (self.vertex(column + 1, row), fu * (1 - fv)),
            (self.vertex(column + 1, row + 1), fu * fv),
            (self.vertex(column, row + 1), (1 - fu) * fv),
        )
        return sum(c[0] * w for c, w in corners), sum(c[1] * w for c, w in corners)


@dataclass
class VillagePlan:
    code: str
    name: str
    polygon: Polygon
    cells: list  # (column, row) of the lattice


@dataclass
class StreetPlan:
    number: int
    code: str
    name: str
    polygon: Polygon
    column: int  # of its north-west cell
    row: int
    villages: list

    @property
    def short_name(self):
        return self.name.removesuffix("街道")


@dataclass
class GrownMap:
    lattice: GrownLattice
    streets: list
    block_rows: dict  # block row -> its streets, west to east


def _grown_area():
    min_x, min_y, max_x, max_y = SERVICE_AREA
    return (
        min_x + AREA_MARGIN_DEGREES,
        min_y + AREA_MARGIN_DEGREES,
        max_x - AREA_MARGIN_DEGREES,
        max_y - AREA_MARGIN_DEGREES,
    )


def _keep_out():
    margin = LONGWAN_MARGIN_DEGREES
    return (
        geography.LON_WEST - margin,
        geography.LAT_SOUTH - margin,
        geography.LON_EAST + margin,
        geography.LAT_NORTH + margin,
    )


def _blocks(cell_km):
    """The street blocks ``(block column, block row)`` that fit the grown area with cells of ``cell_km``,
    north to south and west to east, less those that would meet Longwan."""
    west, south, east, north = _grown_area()
    cell_lon, cell_lat = cell_km / geography.KM_PER_DEGREE_LON, cell_km / geography.KM_PER_DEGREE_LAT
    block_lon, block_lat = BLOCK_COLUMNS * cell_lon, BLOCK_ROWS * cell_lat
    columns, rows = int((east - west) / block_lon), int((north - south) / block_lat)
    out_west, out_south, out_east, out_north = _keep_out()
    blocks = []
    for block_row in range(rows):
        for block_column in range(columns):
            # Jittered vertices may move a block's outline by up to VERTEX_JITTER of a cell.
            b_west = west + block_column * block_lon - cell_lon
            b_east = west + (block_column + 1) * block_lon + cell_lon
            b_north = north - block_row * block_lat + cell_lat
            b_south = north - (block_row + 1) * block_lat - cell_lat
            if b_west < out_east and out_west < b_east and b_south < out_north and out_south < b_north:
                continue
            blocks.append((block_column, block_row))
    return blocks


def plan_layout(street_count):
    """``(cell_km, blocks)``: the largest cells up to ``MAX_CELL_KM`` with room for ``street_count`` streets."""
    cell_km = MAX_CELL_KM
    while True:
        blocks = _blocks(cell_km)
        if len(blocks) >= street_count:
            return cell_km, blocks[:street_count]
        cell_km *= CELL_SHRINK


def _place_name(rng, taken, suffix, length=2):
    for _attempt in range(1000):
        name = "".join(rng.choice(PLACE_CHARACTERS) for _ in range(length)) + suffix
        if name not in taken:
            taken.add(name)
            return name
    # A province can run out of two-character names: three characters give 200,000 more.
    return _place_name(rng, taken, suffix, length + 1)


def draw_map(growth, first_number, taken_street_names):
    """The new streets and villages with their boundaries; pure: nothing is written."""
    cell_km, blocks = plan_layout(growth.count(STREETS_PER_SCALE))
    west, _south, _east, north = _grown_area()
    lattice = GrownLattice(growth.seed, west, north, cell_km)
    prefix = growth.district.code[:6]
    streets, block_rows = [], {}
    for index, (block_column, block_row) in enumerate(blocks):
        number = first_number + index
        rng = growth.rng("street", number)
        code = f"{prefix}{number:03d}000"
        name = _place_name(rng, taken_street_names, "街道")
        column, row = block_column * BLOCK_COLUMNS, block_row * BLOCK_ROWS
        # Pairs of neighbouring cells in a row that make one village: their west cells, and all their cells.
        pair_starts, paired = set(), set()
        for _pair in range(rng.choice(MERGED_PAIRS)):
            c, r = rng.randrange(BLOCK_COLUMNS - 1), rng.randrange(BLOCK_ROWS)
            if not {(c, r), (c + 1, r)} & paired:
                pair_starts.add((c, r))
                paired |= {(c, r), (c + 1, r)}
        villages, village_names = [], set()
        for r, c in itertools.product(range(BLOCK_ROWS), range(BLOCK_COLUMNS)):
            if (c, r) in paired and (c, r) not in pair_starts:
                continue
            width = 2 if (c, r) in pair_starts else 1
            village_code = f"{code[:9]}{len(villages) + 1:03d}"
            village_name = _place_name(rng, village_names, "社区" if rng.random() < 0.2 else "村")
            cells = [(column + c + k, row + r) for k in range(width)]
            polygon = lattice.outline(column + c, row + r, width, 1, village_name)
            villages.append(VillagePlan(village_code, village_name, polygon, cells))
        polygon = lattice.outline(column, row, BLOCK_COLUMNS, BLOCK_ROWS, name)
        street = StreetPlan(number, code, name, polygon, column, row, villages)
        streets.append(street)
        block_rows.setdefault(block_row, []).append(street)
    return GrownMap(lattice, streets, block_rows)


# --- Regions --------------------------------------------------------------------------------------------


def grow_regions(growth):
    """Streets and villages with their boundaries, a street office for each, the district's boundary
    grown to the union of the old and the new."""
    district = growth.district
    streets_now = Region.objects.filter(parent=district, level=RegionLevel.STREET)
    first_number = 1 + max((int(code[6:9]) for code in streets_now.values_list("code", flat=True)), default=0)
    if first_number + growth.count(STREETS_PER_SCALE) - 1 > 999:
        raise GrowthError("The region codes have room for 999 streets: choose a smaller scale.")
    taken = set(streets_now.values_list("name", flat=True))
    growth.map = draw_map(growth, first_number, taken)
    ticker = growth.progress.start("regions", len(growth.map.streets))
    streets = [
        Region(
            code=plan.code,
            name=plan.name,
            level=RegionLevel.STREET,
            parent=district,
            boundary=MultiPolygon(plan.polygon, srid=4326),
        )
        for plan in growth.map.streets
    ]
    check_rows(streets)
    bulk_create(Region, streets)
    growth.regions.update({street.code: street for street in streets})
    villages = [
        Region(
            code=village.code,
            name=village.name,
            level=RegionLevel.VILLAGE,
            parent=growth.regions[plan.code],
            boundary=MultiPolygon(village.polygon, srid=4326),
        )
        for plan in growth.map.streets
        for village in plan.villages
    ]
    check_rows(villages)
    bulk_create(Region, villages)
    growth.regions.update({village.code: village for village in villages})
    offices = [
        Unit(
            name=f"{plan.name}办事处",
            short_name=plan.short_name,
            kind=UnitKind.STREET_OFFICE,
            region=growth.regions[plan.code],
            phone=f"0577-8{growth.rng('office', plan.code).randrange(10**7):07d}",
            duties="属地包干：辖区河道巡查管护、入河排污口标识与整治、清淤保洁。",
        )
        for plan in growth.map.streets
    ]
    bulk_create(Unit, offices)
    growth.offices.update({office.region.code: office for office in offices})
    grown = MultiPolygon([plan.polygon for plan in growth.map.streets], srid=4326).unary_union
    boundary = grown.union(district.boundary) if district.boundary else grown
    district.boundary = boundary if isinstance(boundary, MultiPolygon) else MultiPolygon(boundary, srid=4326)
    district.boundary.srid = 4326
    check_rows([district])
    district.save(update_fields=["boundary"])
    ticker.finish()
    return {"regions": len(streets) + len(villages), "units": len(offices)}


# --- Waters ---------------------------------------------------------------------------------------------


@dataclass
class WaterPlan:
    """A water body to write, with its segments as ``(code, name, region code, line)``."""

    code: str
    name: str
    kind: str
    tier: str
    target_class: int
    geometry: object
    segments: list
    start: str = ""
    end: str = ""


def _meander(growth, tier):
    amplitude, wavelength = geography.MEANDER_M[tier]
    share = growth.map.lattice.cell_km / DEMO_CELL_KM
    return amplitude * share, wavelength * share


def _pieces(growth, line, areas):
    """The pieces of ``line`` worth a segment in each of ``areas`` (``(code, polygon)``), resampled."""
    minimum_m = MIN_SEGMENT_SHARE * growth.map.lattice.cell_km * 1000
    spacing_m = geography.SEGMENT_VERTEX_SPACING_M * growth.map.lattice.cell_km / DEMO_CELL_KM
    return [
        (code, geography.resample(part, spacing_m=spacing_m))
        for code, part in geography.split_line(line, areas)
        if geography.approximate_length_m(part.coords) >= minimum_m
    ]


def _street_rivers(growth, plan, rng):
    lattice = growth.map.lattice
    waters = []
    for number, local_column in enumerate(sorted(rng.sample(range(BLOCK_COLUMNS), STREET_RIVERS)), start=1):
        column = plan.column + local_column
        waypoints = [(column + 0.5 + rng.uniform(-0.15, 0.15), plan.row + 0.04)]
        waypoints += [(column + 0.5 + rng.uniform(-0.15, 0.15), plan.row + r + 0.5) for r in range(BLOCK_ROWS)]
        waypoints.append((column + 0.5 + rng.uniform(-0.15, 0.15), plan.row + BLOCK_ROWS - 0.04))
        line = geography.river_line(lattice, waypoints, _meander(growth, Tier.STREET), rng)
        villages = {v.code: v for v in plan.villages if any(c == column for c, _r in v.cells)}
        pieces = _pieces(growth, line, [(code, v.polygon) for code, v in villages.items()])
        if not pieces:
            continue
        code = f"{WATER_CODE_PREFIX}{plan.number:03d}-R{number}"
        name = f"{plan.short_name}{_place_name(rng, set(), rng.choice(RIVER_SUFFIXES), length=1)}"
        segments = [
            (f"{code}-{index:02d}", f"{name}{villages[village].name}段", village, part)
            for index, (village, part) in enumerate(pieces, start=1)
        ]
        waters.append(WaterPlan(code, name, WaterBodyKind.RIVER, Tier.STREET, rng.choice((3, 4, 4)), None, segments))
    return waters


def _village_waters(growth, plan, rng):
    lattice = growth.map.lattice
    cell_m = lattice.cell_km * 1000
    waters = []
    for village in plan.villages:
        village_number = int(village.code[-3:])
        for number in range(1, rng.choice(VILLAGE_WATERS) + len(village.cells)):
            column, row = rng.choice(village.cells)
            code = f"{WATER_CODE_PREFIX}{plan.number:03d}-V{village_number:03d}-{number}"
            for _attempt in range(VILLAGE_WATER_ATTEMPTS):
                if rng.random() < POND_SHARE:
                    centre = (column + rng.uniform(0.35, 0.65), row + rng.uniform(0.35, 0.65))
                    radius_m = rng.uniform(0.05, 0.1) * cell_m
                    polygon = geography.basin_polygon(lattice, centre, radius_m, rng.uniform(1.0, 1.6), rng)
                    kind, geometry = WaterBodyKind.POND, polygon
                    line = LineString(polygon.exterior_ring.coords, srid=4326)
                    name = f"{village.name.removesuffix('村').removesuffix('社区')}{number}号山塘"
                else:
                    angle = rng.uniform(0, math.pi)
                    half = rng.uniform(0.22, 0.32)
                    du, dv = half * math.cos(angle), half * math.sin(angle)
                    middle = (column + 0.5 + rng.uniform(-0.08, 0.08), row + 0.5 + rng.uniform(-0.08, 0.08))
                    waypoints = [(middle[0] - du, middle[1] - dv), middle, (middle[0] + du, middle[1] + dv)]
                    dense = geography.river_line(lattice, waypoints, _meander(growth, Tier.VILLAGE), rng)
                    spacing_m = geography.SEGMENT_VERTEX_SPACING_M * lattice.cell_km / DEMO_CELL_KM
                    line = geography.resample(dense, spacing_m=spacing_m)
                    kind, geometry = WaterBodyKind.RIVER, None
                    place = rng.choice(VILLAGE_RIVER_PLACES)
                    name = f"{village.name.removesuffix('村').removesuffix('社区')}{place}河"
                if village.polygon.covers(line):
                    segment = (f"{code}-01", name, village.code, line)
                    waters.append(WaterPlan(code, name, kind, Tier.VILLAGE, rng.choice((3, 4, 5)), geometry, [segment]))
                    break
    return waters


def _district_rivers(growth):
    """One river along each row of streets, west to east, cut into a segment in each street."""
    lattice = growth.map.lattice
    waters = []
    taken = set()
    for number, (block_row, streets) in enumerate(sorted(growth.map.block_rows.items()), start=1):
        rng = growth.rng("district river", block_row)
        west = min(street.column for street in streets)
        east = max(street.column for street in streets) + BLOCK_COLUMNS
        middle = block_row * BLOCK_ROWS + rng.choice((2, 3)) + 0.5
        waypoints = [(west + 0.04, middle + rng.uniform(-0.2, 0.2))]
        waypoints += [(u + 0.5, middle + rng.uniform(-0.25, 0.25)) for u in range(west, east, 2)]
        waypoints.append((east - 0.04, middle + rng.uniform(-0.2, 0.2)))
        line = geography.river_line(lattice, waypoints, _meander(growth, Tier.DISTRICT), rng)
        by_code = {street.code: street for street in streets}
        pieces = _pieces(growth, line, [(street.code, street.polygon) for street in streets])
        if not pieces:
            continue
        code = f"{WATER_CODE_PREFIX}-D{number:02d}"
        name = _place_name(rng, taken, rng.choice(("江", "塘河", "河")))
        segments = [
            (f"{code}-{index:02d}", f"{name}{by_code[street].short_name}段", street, part)
            for index, (street, part) in enumerate(pieces, start=1)
        ]
        waters.append(WaterPlan(code, name, WaterBodyKind.RIVER, Tier.DISTRICT, 3, None, segments))
    return waters


def _water_body(growth, plan):
    linear = plan.kind in WaterBodyKind.LINEAR
    geometry = plan.geometry
    if linear:
        geometry = MultiLineString([line for *_rest, line in plan.segments], srid=4326)
    metric = to_metric(geometry)
    return WaterBody(
        code=plan.code,
        name=plan.name,
        kind=plan.kind,
        responsible_tier=plan.tier,
        target_class=plan.target_class,
        length_km=Decimal(metric.length / 1000).quantize(Decimal("0.01")) if linear else None,
        area_km2=None if linear else Decimal(metric.area / 1e6).quantize(Decimal("0.001")),
        start_description=plan.start or growth.regions[plan.segments[0][2]].name,
        end_description=plan.end or growth.regions[plan.segments[-1][2]].name,
        geometry=geometry,
    )


def grow_waters(growth):
    """District rivers, street rivers and village waters, with their segments."""
    ticker = growth.progress.start("waters", len(growth.map.streets) + 1)
    plans = _district_rivers(growth)
    ticker.advance()
    for plan in growth.map.streets:
        rng = growth.rng("waters", plan.code)
        plans += _street_rivers(growth, plan, rng)
        plans += _village_waters(growth, plan, rng)
        ticker.advance()
    bodies = [_water_body(growth, plan) for plan in plans]
    check_rows(bodies)
    bulk_create(WaterBody, bodies)
    segments = [
        Segment(
            water_body=body,
            region=growth.regions[region_code],
            code=code,
            name=name,
            geometry=line,
            # What Segment.save stores; bulk_create does not call save().
            length_m=round(length_m(line), 1),
        )
        for plan, body in zip(plans, bodies, strict=True)
        for code, name, region_code, line in plan.segments
    ]
    check_rows(segments)
    bulk_create(Segment, segments)
    growth.segments = segments
    ticker.finish()
    return {"water bodies": len(bodies), "segments": len(segments)}


# --- People ---------------------------------------------------------------------------------------------


class People:
    """Draws names and unique mobile numbers, and collects the users to write."""

    def __init__(self, growth, taken_phones):
        self.growth = growth
        self.taken_phones = taken_phones
        self.users = []

    def name(self, rng, taken):
        while True:
            given = "".join(rng.choice(geography.GIVEN_NAME_CHARACTERS) for _ in range(rng.choice((1, 2, 2))))
            name = rng.choice(geography.SURNAMES) + given
            if name not in taken:
                taken.add(name)
                return name

    def phone(self, rng):
        while True:
            phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if phone not in self.taken_phones:
                self.taken_phones.add(phone)
                return phone

    def add(self, rng, taken_names, username, role, region, since, unit=None):
        user = User(
            username=username,
            name=self.name(rng, taken_names),
            role=role,
            region=region,
            unit=unit,
            phone=self.phone(rng),
            is_active=True,
            date_joined=datetime.datetime.combine(since, datetime.time(9), tzinfo=timezone.get_default_timezone()),
        )
        self.users.append(user)
        return user


@dataclass
class Post:
    """A planned appointment before its chief has a key."""

    chief: User
    segment: Segment
    tier: str
    role: str
    post: str
    start_date: datetime.date
    end_date: datetime.date | None = None


def _since(rng, today, years=(1.5, 5.0)):
    return today - datetime.timedelta(days=round(rng.uniform(*years) * 365))


def _with_history(growth, rng, people, taken, post, username):
    """Maybe make ``post`` the successor of a chief who left in the last year; returns the former's Post."""
    if rng.random() >= HISTORY_SHARE:
        return None
    left = growth.today - datetime.timedelta(days=rng.randint(30, 330))
    former_since = left - datetime.timedelta(days=rng.randint(400, 1500))
    former = people.add(rng, taken, username, Role.CHIEF, post.chief.region, former_since, unit=post.chief.unit)
    post.start_date = left + datetime.timedelta(days=1)
    return Post(former, post.segment, post.tier, post.role, post.post, former_since, left)


def _street_people(growth, plan, segments, people):
    rng = growth.rng("chiefs", plan.code)
    street = growth.regions[plan.code]
    office = growth.offices[plan.code]
    taken = set()
    prefix = f"{USERNAME_PREFIX}{plan.number:03d}"
    people.add(rng, taken, f"{prefix}_office", Role.STREET_OFFICIAL, street, _since(rng, growth.today), unit=office)
    posts = []
    # The secretary takes the district river; the leaders share the rest in turn.
    ordered = sorted(segments, key=lambda s: (s.water_body.responsible_tier != Tier.DISTRICT, s.code))
    leaders = [
        people.add(rng, taken, f"{prefix}_s{number:02d}", Role.CHIEF, street, _since(rng, growth.today), unit=office)
        for number in range(1, min(STREET_CHIEFS, len(ordered)) + 1)
    ]
    for index, segment in enumerate(ordered):
        number = index % len(leaders)
        leader = leaders[number]
        title = f"{plan.name}{STREET_POSTS[min(number, len(STREET_POSTS) - 1)]}"
        posts.append(Post(leader, segment, Tier.STREET, ChiefRole.CHIEF, title, leader.date_joined.date()))
    if rng.random() < POLICE_STREET_SHARE:
        officer = people.add(rng, taken, f"{prefix}_p", Role.CHIEF, street, _since(rng, growth.today))
        title = f"公安分局{plan.short_name}派出所所长"
        posts += [
            Post(officer, segment, Tier.STREET, ChiefRole.POLICE_CHIEF, title, officer.date_joined.date())
            for segment in ordered
        ]
    by_village = {}
    for segment in ordered:
        if segment.region.level == RegionLevel.VILLAGE:
            by_village.setdefault(segment.region.code, []).append(segment)
    for village_code, village_segments in sorted(by_village.items()):
        village = growth.regions[village_code]
        community = village.name.endswith("社区")
        titles = ("党委书记", "居委会主任") if community else ("党支部书记", "村委会主任")
        # Village committees are elected together, every five years.
        elected = _since(rng, growth.today, (1.0, 4.5))
        for index, segment in enumerate(village_segments):
            username = f"{prefix}_v{village_code[-3:]}_{index + 1}"
            chief = people.add(rng, taken, username, Role.CHIEF, village, elected)
            title = f"{village.name}{titles[index] if index < len(titles) else '两委委员'}"
            posts.append(Post(chief, segment, Tier.VILLAGE, ChiefRole.CHIEF, title, elected))
    formers = []
    for post in posts:
        if post.role == ChiefRole.CHIEF:
            former = _with_history(growth, rng, people, taken, post, f"{prefix}_f{len(formers) + 1:03d}")
            if former:
                formers.append(former)
    return formers + posts


def _district_people(growth, segments, people):
    rng = growth.rng("chiefs", "district")
    taken = set()
    district = growth.district
    by_body = {}
    for segment in segments:
        if segment.water_body.responsible_tier == Tier.DISTRICT:
            by_body.setdefault(segment.water_body.code, []).append(segment)
    posts = []
    if not by_body:
        return posts
    officer = people.add(rng, taken, f"{USERNAME_PREFIX}d_p", Role.CHIEF, district, _since(rng, growth.today))
    for number, (_code, body_segments) in enumerate(sorted(by_body.items()), start=1):
        leader = people.add(
            rng, taken, f"{USERNAME_PREFIX}d{number:02d}", Role.CHIEF, district, _since(rng, growth.today)
        )
        title = f"{district.name}{DISTRICT_POSTS[(number - 1) % len(DISTRICT_POSTS)]}"
        for segment in body_segments:
            posts.append(Post(leader, segment, Tier.DISTRICT, ChiefRole.CHIEF, title, leader.date_joined.date()))
            posts.append(
                Post(
                    officer,
                    segment,
                    Tier.DISTRICT,
                    ChiefRole.POLICE_CHIEF,
                    f"{district.name}{DISTRICT_POLICE_POST}",
                    officer.date_joined.date(),
                )
            )
    return posts


def grow_chiefs(growth):
    """A street official for each street; chiefs in office over the three tiers, some with predecessors."""
    ticker = growth.progress.start("chiefs", len(growth.map.streets) + 1)
    people = People(growth, set(User.objects.exclude(phone="").values_list("phone", flat=True)))
    by_street = {}
    for segment in growth.segments:
        by_street.setdefault(segment.region.code[:9], []).append(segment)
    posts = _district_people(growth, growth.segments, people)
    ticker.advance()
    for plan in growth.map.streets:
        posts += _street_people(growth, plan, by_street.get(plan.code[:9], []), people)
        ticker.advance()
    password = make_password(DEMO_PASSWORD)
    for user in people.users:
        user.password = password
    check_rows(people.users, exclude=["password"])
    bulk_create(User, people.users)
    appointments = [
        ChiefAppointment(
            chief=post.chief,
            segment=post.segment,
            tier=post.tier,
            role=post.role,
            post=post.post,
            public_phone=post.chief.phone,
            start_date=post.start_date,
            end_date=post.end_date,
        )
        for post in posts
    ]
    # Their clean() asks the database for overlapping appointments: one query each.
    check_rows(appointments, clean=False)
    bulk_create(ChiefAppointment, appointments)
    ticker.finish()
    return {"users": len(people.users), "appointments": len(appointments)}


STEPS = (grow_regions, grow_waters, grow_chiefs, grow_patrols, grow_problems, grow_projects, grow_quality)
