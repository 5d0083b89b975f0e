"""Demo geography for ``manage.py seed_demo``: Longwan as the district leader's speech describes it.

The names come from the speech (streets, rivers, reservoir and ponds) or are
plausible inventions (villages, small rivers, people). The map is a sketch, not
a survey: a lattice of 8 × 6 cells over the district's box whose vertices are
jittered and whose edges wiggle, so that boundaries look drawn by hand while
neighbours still share every vertex exactly. Each village is one cell, a street
is the union of its villages, the district the union of its streets; the
partition is therefore exact and every boundary is valid by construction.

Rivers are drawn through lattice coordinates ``(u, v)`` (``u`` eastwards,
``v`` southwards, one unit per cell), so that a river meant for a village stays
in that village whatever the jitter, then cut along region boundaries into
segments.

Everything here is pure: no database, no settings. Lengths used for shaping are
approximate (a flat-earth scale at Longwan's latitude); the command measures
what it stores in the metric CRS.
"""

import itertools
import math
import random
from dataclasses import dataclass, field

from django.contrib.gis.geos import GeometryCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon

from rivers.choices import WaterBodyKind
from wushui.choices import RegionLevel, Tier, UnitKind

# The geography never depends on --seed: reseeding then only changes people and
# dates, and never leaves behind segments drawn for another map.
GEOMETRY_SEED = 330303

DISTRICT_CODE = "330303000000"
DISTRICT_NAME = "龙湾区"

LON_WEST, LON_EAST = 120.705, 120.945
LAT_NORTH, LAT_SOUTH = 28.045, 27.855
COLUMNS, ROWS = 8, 6
KM_PER_DEGREE_LAT = 110.95
KM_PER_DEGREE_LON = 111.32 * math.cos(math.radians((LAT_NORTH + LAT_SOUTH) / 2))

# Share of a cell a lattice vertex may move; below a quarter, cells stay simple quadrilaterals.
VERTEX_JITTER = 0.18
EDGE_PIECES = 6
EDGE_WIGGLE_M = 60

# Pieces of a river shorter than this, where it grazes a neighbouring region, are not worth a segment.
MIN_SEGMENT_M = 300
SEGMENT_VERTICES = (10, 40)
SEGMENT_VERTEX_SPACING_M = 150
# "Lies in one village" is decided with less slack than the segment validation allows (30 m).
VILLAGE_FIT_DEGREES = 0.0001

# (meander amplitude, wavelength) in metres: big rivers swing wide and slow, ditches tight.
MEANDER_M = {
    Tier.DISTRICT: (120, 2400),
    Tier.STREET: (60, 1200),
    Tier.VILLAGE: (35, 700),
}
CANAL_MEANDER_M = (15, 900)

SPLIT_BY_STREET = "street"
SPLIT_BY_VILLAGE = "village"


@dataclass(frozen=True)
class StreetSpec:
    name: str
    code: str
    slug: str
    villages: tuple  # ((name, (column, row)), ...): each village is one lattice cell

    @property
    def short_name(self):
        return self.name.removesuffix("街道")

    def village_code(self, number):
        """Villages number on from their street's code: 330303001000 → 330303001001, …"""
        return f"{self.code[:9]}{number:03d}"


def _street(number, name, slug, villages):
    return StreetSpec(name=f"{name}街道", code=f"330303{number:03d}000", slug=slug, villages=villages)


# In the order of their codes (330303001000 … 330303010000). Cells run from the
# Ou river (row 0) south to the hills and the coast; the south-east corner is sea.
STREETS = (
    _street(
        1, "永中", "yongzhong", (("永中村", (3, 2)), ("上垟社区", (4, 2)), ("度山村", (2, 3)), ("永昌社区", (3, 3)))
    ),
    _street(2, "永兴", "yongxing", (("东一村", (5, 0)), ("永兴社区", (4, 1)), ("沙前村", (5, 1)), ("南垟村", (5, 2)))),
    _street(
        3,
        "海滨",
        "haibin",
        (("梅头村", (6, 0)), ("东山村", (7, 0)), ("海滨社区", (6, 1)), ("宁村", (7, 1)), ("蓝田村", (7, 2))),
    ),
    _street(
        4,
        "海城",
        "haicheng",
        (("海城社区", (4, 3)), ("龙岗村", (2, 4)), ("城东村", (3, 4)), ("上庄村", (4, 4)), ("下垟村", (2, 5))),
    ),
    _street(
        5,
        "状元",
        "zhuangyuan",
        (("状元社区", (2, 0)), ("横街村", (3, 0)), ("南川村", (4, 0)), ("天马村", (2, 1)), ("殿前村", (3, 1))),
    ),
    _street(
        6,
        "瑶溪",
        "yaoxi",
        (("河头村", (1, 1)), ("北山村", (0, 2)), ("瑶溪社区", (1, 2)), ("皇岙村", (2, 2)), ("瑶泷村", (1, 3))),
    ),
    _street(7, "蒲州", "puzhou", (("蒲州社区", (0, 0)), ("屿田村", (1, 0)), ("上江村", (0, 1)))),
    _street(8, "沙城", "shacheng", (("沙城社区", (5, 4)), ("七甲村", (3, 5)), ("八甲村", (4, 5)), ("永丰村", (5, 5)))),
    _street(
        9,
        "天河",
        "tianhe",
        (("山前村", (0, 3)), ("丰台村", (0, 4)), ("天河社区", (1, 4)), ("塘下村", (0, 5)), ("长沙村", (1, 5))),
    ),
    _street(
        10,
        "星海",
        "xinghai",
        (("星海社区", (6, 2)), ("蓝湾社区", (5, 3)), ("港城村", (6, 3)), ("东海村", (7, 3)), ("新垟村", (6, 4))),
    ),
)

# (name, short name, kind, duties); each street office is added per street.
UNITS = (
    ("区治水办", "治水办", UnitKind.OFFICE, "区五水共治工作领导小组办公室、区河长制办公室：统筹协调、督查考核、通报。"),
    ("区生态环境分局", "生态环境", UnitKind.DEPARTMENT, "水质监测、入河排污口监管、环境执法、河道底泥监测。"),
    ("区水利局", "水利", UnitKind.DEPARTMENT, "河湖管理、防汛防台、水利工程标准化、清淤疏浚监督指导。"),
    ("区综合行政执法局", "执法", UnitKind.DEPARTMENT, "违法建筑拆除、淤泥运输和消纳全程监管、沿河违法行为查处。"),
    ("区经信局", "经信", UnitKind.DEPARTMENT, "工业企业整治提升、小微园建设、关停淘汰。"),
    ("区住建局", "住建", UnitKind.DEPARTMENT, "城镇污水管网、截污纳管、城中村改造。"),
    ("区农业农村局", "农业农村", UnitKind.DEPARTMENT, "农业面源污染、畜禽养殖、农村生活污水治理。"),
    ("区温瑞塘河管委会", "塘河管委会", UnitKind.COMMITTEE, "温瑞塘河保护管理、截污纳管牵头抓总。"),
    ("中心区管委会", "中心区", UnitKind.COMMITTEE, "中心区开发建设与区域内河道治理。"),
    ("浙南科技城管委会", "科技城", UnitKind.COMMITTEE, "浙南科技城开发建设与区域内河道治理。"),
    ("空港新区管委会", "空港新区", UnitKind.COMMITTEE, "空港新区开发建设与区域内河道治理。"),
    (
        "区城市东片防洪工程建设指挥部",
        "东片防洪指挥部",
        UnitKind.OWNER,
        "瓯江标准海塘提升改造、温瑞平原东片排涝工程建设。",
    ),
)


@dataclass(frozen=True)
class WaterBodySpec:
    code: str
    name: str
    kind: str
    tier: str
    target_class: int
    # Rivers and canals: ((label, ((u, v), ...)), ...); a label names an arm of a river with several.
    lines: tuple = ()
    # Lakes, reservoirs and ponds: centre (u, v), mean radius, and how elongated the outline is.
    centre: tuple = ()
    radius_m: float = 0
    elongation: float = 1.0
    split_by: str = SPLIT_BY_VILLAGE
    is_provincial_model: bool = False
    start: str = ""
    end: str = ""
    description: str = ""


def _river(code, name, tier, target, points, kind=WaterBodyKind.RIVER, **extra):
    return WaterBodySpec(
        code=code, name=name, kind=kind, tier=tier, target_class=target, lines=(("", points),), **extra
    )


def _canal(code, name, tier, target, points, **extra):
    return _river(code, name, tier, target, points, kind=WaterBodyKind.CANAL, **extra)


def _basin(code, name, kind, tier, target, centre, radius_m, elongation=1.0, **extra):
    return WaterBodySpec(
        code=code,
        name=name,
        kind=kind,
        tier=tier,
        target_class=target,
        centre=centre,
        radius_m=radius_m,
        elongation=elongation,
        **extra,
    )


D, S, V = Tier.DISTRICT, Tier.STREET, Tier.VILLAGE
WATER_BODIES = (
    # The waters the speech names.
    _river(
        "LW-R001",
        "瓯江",
        D,
        3,
        (
            (0.02, 0.3),
            (1.0, 0.35),
            (2.0, 0.25),
            (3.0, 0.3),
            (4.0, 0.35),
            (5.0, 0.3),
            (6.0, 0.35),
            (7.0, 0.4),
            (7.98, 0.45),
        ),
        split_by=SPLIT_BY_STREET,
        start="鹿城区界",
        end="瓯江口",
        description="浙江第二大河，流经龙湾北侧入东海；瓯江标准海塘提升改造工程沿线。",
    ),
    _river(
        "LW-R002",
        "温瑞塘河",
        D,
        4,
        ((0.02, 1.5), (0.6, 1.55), (1.3, 1.7), (1.5, 2.3), (1.4, 3.0), (1.5, 3.6), (1.3, 4.3), (1.5, 5.0), (1.4, 5.97)),
        start="鹿城区界",
        end="瑞安市界",
        description="温瑞平原骨干河道；区温瑞塘河管委会牵头截污纳管，建设塘河旅游走廊。",
    ),
    _river(
        "LW-R003",
        "永强主塘河",
        D,
        4,
        (
            (4.5, 1.15),
            (4.6, 1.8),
            (4.3, 2.4),
            (3.8, 3.0),
            (3.6, 3.6),
            (3.5, 4.4),
            (3.8, 5.1),
            (4.5, 5.5),
            (5.5, 5.6),
            (5.8, 5.5),
        ),
        split_by=SPLIT_BY_STREET,
        start="永兴街道",
        end="沙城街道",
        description="永强平原骨干河道；主推水岸同治·美丽水乡建设。",
    ),
    _river(
        "LW-R004",
        "黄石山后河",
        S,
        4,
        ((1.2, 3.35), (1.7, 3.4), (2.2, 3.6), (2.8, 3.45), (3.3, 3.5), (3.8, 3.35)),
        is_provincial_model=True,
        description="黄石山后河（永中段）生态整治工程获评省河道生态建设优秀示范工程。",
    ),
    _river(
        "LW-R005",
        "瑶溪",
        D,
        5,
        ((0.15, 2.35), (0.9, 2.2), (1.6, 2.45), (2.2, 2.3), (2.85, 2.5)),
        description="瑶溪站位所在河道：劣V类水质站位，入河污染零直排，稳定消除劣V类。",
    ),
    WaterBodySpec(
        code="LW-R006",
        name="状元十字河",
        kind=WaterBodyKind.RIVER,
        tier=D,
        target_class=5,
        lines=(
            ("东西向", ((2.1, 0.72), (2.7, 0.78), (3.3, 0.7), (3.9, 0.74), (4.6, 0.7))),
            ("南北向", ((3.45, 0.5), (3.4, 0.9), (3.5, 1.3), (3.35, 1.85))),
        ),
        description="状元十字河站位所在河道：劣V类水质站位，入河污染零直排，稳定消除劣V类。",
    ),
    _river(
        "LW-R007",
        "中横河",
        S,
        4,
        ((3.1, 2.55), (3.8, 2.62), (4.5, 2.45), (5.2, 2.3), (5.85, 2.5)),
        start="永昌片",
        description="永昌片中横河活水畅流工程。",
    ),
    _river(
        "LW-R008",
        "天马落河",
        S,
        4,
        ((2.08, 1.35), (2.7, 1.5), (3.3, 1.4), (3.92, 1.55)),
        description="状元天马落河活水畅流工程。",
    ),
    _river(
        "LW-R009",
        "北山河",
        S,
        4,
        ((0.1, 2.8), (0.8, 2.75), (1.4, 2.9), (2.2, 2.8), (2.75, 2.85)),
        description="瑶溪北山河活水畅流工程。",
    ),
    _basin(
        "LW-K001",
        "丰台水库",
        WaterBodyKind.RESERVOIR,
        S,
        2,
        (0.4, 4.65),
        380,
        elongation=1.6,
        description="强库固堤：丰台水库工程建设。",
    ),
    _basin("LW-P001", "范家岙山塘", WaterBodyKind.POND, V, 3, (2.35, 3.2), 150, description="范家岙山塘工程建设。"),
    _basin("LW-P002", "瑶泷山塘", WaterBodyKind.POND, V, 3, (1.12, 3.75), 180, description="山塘除险加固工程。"),
    _basin("LW-P003", "龙岗寺山塘", WaterBodyKind.POND, V, 3, (2.45, 4.65), 160, description="山塘除险加固工程。"),
    # Plausible waters of the streets and villages.
    _basin("LW-P004", "茅竹岭山塘", WaterBodyKind.POND, V, 3, (0.45, 3.55), 140),
    _basin("LW-P005", "大岙山塘", WaterBodyKind.POND, V, 3, (0.5, 5.55), 150),
    _basin("LW-L001", "星海湖", WaterBodyKind.LAKE, S, 3, (6.5, 2.55), 450, elongation=1.3),
    _basin("LW-L002", "蓝湾湖", WaterBodyKind.LAKE, S, 4, (5.45, 3.4), 350, elongation=1.2),
    _river("LW-R010", "永兴一号河", S, 4, ((5.35, 0.62), (5.45, 1.3), (5.6, 1.9), (5.45, 2.75))),
    _river("LW-R011", "永兴二号河", V, 4, ((4.08, 1.45), (4.4, 1.62), (4.92, 1.78))),
    _river("LW-R012", "东山河", S, 4, ((6.7, 0.62), (7.3, 0.75), (7.9, 0.7))),
    _river("LW-R013", "海滨横河", S, 4, ((6.05, 1.3), (6.6, 1.45), (7.2, 1.35), (7.88, 1.5))),
    _river("LW-R014", "海滨中心河", S, 4, ((6.5, 0.7), (6.45, 1.1), (6.6, 1.6), (6.5, 1.95))),
    _river("LW-R015", "蓝田河", V, 4, ((7.08, 2.3), (7.5, 2.45), (7.85, 2.6))),
    _river("LW-R016", "宁村河", V, 4, ((7.15, 1.75), (7.5, 1.82), (7.85, 1.78))),
    _river("LW-R017", "海城中心河", S, 4, ((2.15, 4.3), (3.0, 4.2), (3.9, 4.35), (4.75, 4.25))),
    _river("LW-R018", "海城横河", V, 4, ((4.1, 3.4), (4.5, 3.55), (4.9, 3.45))),
    _river("LW-R019", "下垟河", V, 4, ((2.15, 5.3), (2.5, 5.45), (2.85, 5.7))),
    _river("LW-R020", "沙城中心河", S, 4, ((5.5, 4.1), (5.4, 4.8), (5.55, 5.3), (5.45, 5.85))),
    _river("LW-R021", "七甲河", V, 5, ((3.1, 5.25), (3.45, 5.5), (3.7, 5.85))),
    _river("LW-R022", "八甲河", V, 5, ((4.08, 5.55), (4.5, 5.78), (4.92, 5.82))),
    _river("LW-R023", "天河中心河", S, 4, ((0.2, 4.3), (0.8, 4.25), (1.35, 4.45), (1.9, 4.35))),
    _river("LW-R024", "长沙河", V, 4, ((1.1, 5.3), (1.5, 5.45), (1.9, 5.35))),
    _river("LW-R025", "山前河", V, 3, ((0.1, 3.22), (0.45, 3.3), (0.88, 3.2))),
    _river("LW-R026", "塘下河", V, 4, ((0.15, 5.2), (0.5, 5.25), (0.9, 5.15))),
    _river("LW-R027", "星海中心河", S, 4, ((5.15, 3.82), (6.0, 3.72), (6.8, 3.82), (7.85, 3.62))),
    _river("LW-R028", "星海一号河", S, 4, ((6.55, 2.8), (6.45, 3.3), (6.55, 3.9), (6.45, 4.6), (6.5, 4.85))),
    _river("LW-R029", "新垟河", V, 4, ((6.08, 4.55), (6.5, 4.4), (6.9, 4.5))),
    _river("LW-R030", "永中河", S, 4, ((3.3, 2.1), (3.4, 2.8), (3.25, 3.2), (3.2, 3.85))),
    _river("LW-R031", "度山河", V, 3, ((2.1, 3.85), (2.5, 3.9), (2.9, 3.8))),
    _river("LW-R032", "蒲州河", S, 4, ((0.35, 0.6), (0.45, 1.1), (0.7, 1.8), (0.6, 1.95))),
    _river("LW-R033", "屿田河", V, 4, ((1.1, 0.62), (1.5, 0.7), (1.88, 0.85))),
    _river("LW-R034", "河头河", V, 4, ((1.1, 1.2), (1.5, 1.28), (1.88, 1.25))),
    _canal("LW-C001", "永兴围垦河", V, 4, ((5.1, 1.15), (5.5, 1.05), (5.9, 1.2))),
    _canal("LW-C002", "空港排涝渠", V, 4, ((7.15, 3.25), (7.5, 3.2), (7.85, 3.3))),
    _canal("LW-C003", "海城排涝渠", V, 5, ((4.15, 4.7), (4.5, 4.75), (4.85, 4.8))),
    _canal("LW-C004", "沙城排涝渠", V, 5, ((5.08, 4.5), (5.5, 4.55), (5.9, 4.5))),
)
del D, S, V

# Common surnames of Wenzhou first, so that the draw looks local.
SURNAMES = "王陈林张李黄周吴郑金潘叶徐胡朱蔡杨谢卢孙项邵池董姜章季戴余夏"
GIVEN_NAME_CHARACTERS = "伟建国志明海华平军杰晓东文斌勇涛强磊光荣秀丽敏静芳燕洁慧丹红霞群乐永宏向阳春晖瑞康凯俊"

# The district's leaders answer for its district-tier waters, in the order of WATER_BODIES.
DISTRICT_POSTS = ("龙湾区委书记", "龙湾区委副书记、区长", "龙湾区副区长", "龙湾区委常委", "龙湾区副区长")
DISTRICT_POLICE_POST = "龙湾公安分局副局长"
# Streets whose police stations name a river police chief (河道警长) for every segment of the street.
POLICE_STREETS = ("永中街道", "瑶溪街道", "状元街道", "海城街道")


# --- Geometry -------------------------------------------------------------------------------------------


def to_km(lon, lat):
    return (lon - LON_WEST) * KM_PER_DEGREE_LON, (lat - LAT_SOUTH) * KM_PER_DEGREE_LAT


def from_km(x, y):
    return LON_WEST + x / KM_PER_DEGREE_LON, LAT_SOUTH + y / KM_PER_DEGREE_LAT


def approximate_length_m(coords):
    points = [to_km(*c) for c in coords]
    return 1000 * sum(math.dist(a, b) for a, b in itertools.pairwise(points))


def _jitter(rng, index, last):
    # Outer vertices only move inwards, so the district stays inside its box.
    if index == 0:
        return rng.uniform(0, VERTEX_JITTER)
    if index == last:
        return rng.uniform(-VERTEX_JITTER, 0)
    return rng.uniform(-VERTEX_JITTER, VERTEX_JITTER)


class Lattice:
    """The jittered lattice the map is drawn on; cells are villages."""

    def __init__(self, rng):
        cell_lon = (LON_EAST - LON_WEST) / COLUMNS
        cell_lat = (LAT_NORTH - LAT_SOUTH) / ROWS
        self.vertices = {}
        for row in range(ROWS + 1):
            for column in range(COLUMNS + 1):
                lon = LON_WEST + (column + _jitter(rng, column, COLUMNS)) * cell_lon
                lat = LAT_NORTH - (row + _jitter(rng, row, ROWS)) * cell_lat
                self.vertices[column, row] = (lon, lat)
        # Every edge is drawn once, in a fixed order, and shared by the two cells it separates.
        self.edges = {}
        for start in sorted(self.vertices):
            for step in ((1, 0), (0, 1)):
                end = (start[0] + step[0], start[1] + step[1])
                if end in self.vertices:
                    self.edges[start, end] = self._wiggle(self.vertices[start], self.vertices[end], rng)

    @staticmethod
    def _wiggle(start, end, rng):
        (ax, ay), (bx, by) = to_km(*start), to_km(*end)
        length = math.dist((ax, ay), (bx, by))
        normal = (-(by - ay) / length, (bx - ax) / length)
        # Sine harmonics vanish at both ends, so the vertices stay where the neighbours expect them.
        amplitudes = [rng.uniform(-1, 1) * EDGE_WIGGLE_M / 1000 / harmonic for harmonic in (1, 2, 3)]
        points = [start]
        for piece in range(1, EDGE_PIECES):
            t = piece / EDGE_PIECES
            offset = sum(a * math.sin((h + 1) * math.pi * t) for h, a in enumerate(amplitudes))
            points.append(from_km(ax + t * (bx - ax) + offset * normal[0], ay + t * (by - ay) + offset * normal[1]))
        points.append(end)
        return points

    def edge(self, start, end):
        if (start, end) in self.edges:
            return self.edges[start, end]
        return self.edges[end, start][::-1]

    def cell_polygon(self, cell):
        column, row = cell
        corners = [(column, row), (column + 1, row), (column + 1, row + 1), (column, row + 1)]
        ring = []
        for start, end in zip(corners, corners[1:] + corners[:1], strict=True):
            ring.extend(self.edge(start, end)[:-1])
        ring.append(ring[0])
        return Polygon(ring, srid=4326)

    def point(self, u, v):
        """Lattice coordinates to (lon, lat), bilinear inside the jittered cell."""
        column, row = min(int(u), COLUMNS - 1), min(int(v), ROWS - 1)
        fu, fv = u - column, v - row
        corners = (
            (self.vertices[column, row], (1 - fu) * (1 - fv)),
            (self.vertices[column + 1, row], fu * (1 - fv)),
            (self.vertices[column + 1, row + 1], fu * fv),
            (self.vertices[column, row + 1], (1 - fu) * fv),
        )
        return sum(c[0] * w for c, w in corners), sum(c[1] * w for c, w in corners)


def _catmull_rom(points, step_km):
    padded = [points[0], *points, points[-1]]
    path = [points[0]]
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1 : i + 3]
        count = max(2, math.ceil(math.dist(p1, p2) / step_km))
        for k in range(1, count + 1):
            t = k / count
            path.append(
                tuple(
                    0.5
                    * (
                        2 * p1[d]
                        + (-p0[d] + p2[d]) * t
                        + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t * t
                        + (-p0[d] + 3 * p1[d] - 3 * p2[d] + p3[d]) * t * t * t
                    )
                    for d in (0, 1)
                )
            )
    return path


def river_line(lattice, waypoints, meander, rng):
    """A smooth, gently meandering dense line through the waypoints (lattice coordinates)."""
    amplitude_km, wavelength_km = meander[0] / 1000, meander[1] / 1000
    path = _catmull_rom([to_km(*lattice.point(u, v)) for u, v in waypoints], step_km=0.05)
    phase, second_phase = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    coords, distance = [], 0.0
    for k, (x, y) in enumerate(path):
        if k:
            distance += math.dist(path[k - 1], (x, y))
        before, after = path[max(k - 1, 0)], path[min(k + 1, len(path) - 1)]
        dx, dy = after[0] - before[0], after[1] - before[1]
        norm = math.hypot(dx, dy) or 1.0
        angle = 2 * math.pi * distance / wavelength_km
        offset = amplitude_km * (math.sin(angle + phase) + 0.35 * math.sin(2.3 * angle + second_phase))
        coords.append(from_km(x - dy / norm * offset, y + dx / norm * offset))
    return LineString(coords, srid=4326)


def basin_polygon(lattice, centre, radius_m, elongation, rng, vertices=24):
    """An irregular oval outline: star-shaped around its centre, hence always a simple polygon."""
    cx, cy = to_km(*lattice.point(*centre))
    harmonics = [(k, rng.uniform(-0.12, 0.12), rng.uniform(0, 2 * math.pi)) for k in (2, 3, 5)]
    heading = rng.uniform(0, math.pi)
    ring = []
    for n in range(vertices):
        theta = 2 * math.pi * n / vertices
        radius = radius_m / 1000 * (1 + sum(a * math.sin(k * theta + phase) for k, a, phase in harmonics))
        x, y = radius * math.cos(theta) * elongation, radius * math.sin(theta) / elongation
        ring.append(
            from_km(
                cx + x * math.cos(heading) - y * math.sin(heading), cy + x * math.sin(heading) + y * math.cos(heading)
            )
        )
    ring.append(ring[0])
    return Polygon(ring, srid=4326)


def resample(line, spacing_m=SEGMENT_VERTEX_SPACING_M, bounds=SEGMENT_VERTICES):
    """The line redrawn with evenly spaced vertices, as many as its length calls for within ``bounds``."""
    coords = list(line.coords)
    points = [to_km(*c) for c in coords]
    cumulative = [0.0]
    for a, b in itertools.pairwise(points):
        cumulative.append(cumulative[-1] + math.dist(a, b))
    total = cumulative[-1]
    count = min(max(math.ceil(total * 1000 / spacing_m) + 1, bounds[0]), bounds[1])
    result, index = [], 0
    for n in range(count):
        target = total * n / (count - 1)
        while index < len(cumulative) - 2 and cumulative[index + 1] < target:
            index += 1
        span = cumulative[index + 1] - cumulative[index]
        t = 0.0 if span == 0 else min(max((target - cumulative[index]) / span, 0.0), 1.0)
        a, b = coords[index], coords[index + 1]
        result.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
    return LineString(result, srid=4326)


def _line_parts(geometry):
    if geometry.empty:
        return []
    if isinstance(geometry, LineString):
        return [geometry]
    if isinstance(geometry, GeometryCollection):
        lines = [part for part in geometry if isinstance(part, LineString) and not part.empty]
        if not lines:
            return []
        merged = MultiLineString(lines, srid=4326).merged
        return [merged] if isinstance(merged, LineString) else list(merged)
    return []


def _extents_meet(a, b):
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def split_line(line, areas):
    """The pieces of ``line`` inside each of ``areas`` (``(key, polygon)``), in order along the line."""
    pieces = []
    for key, area in areas:
        if not _extents_meet(line.extent, area.extent):
            continue
        for part in _line_parts(line.intersection(area)):
            part.srid = 4326
            start, end = line.project(Point(part[0], srid=4326)), line.project(Point(part[-1], srid=4326))
            # Merging may turn a piece around; rivers keep their direction.
            if start > end:
                part = LineString(part.coords[::-1], srid=4326)
                start = end
            pieces.append((start, key, part))
    pieces.sort(key=lambda piece: piece[0])
    return [(key, part) for _start, key, part in pieces]


# --- The whole map --------------------------------------------------------------------------------------


@dataclass
class RegionShape:
    code: str
    name: str
    level: str
    parent_code: str | None
    polygon: Polygon
    short_name: str = ""


@dataclass
class SegmentShape:
    code: str
    name: str
    region_code: str
    line: LineString
    start: str = ""
    end: str = ""


@dataclass
class WaterBodyShape:
    spec: WaterBodySpec
    geometry: object
    segments: list = field(default_factory=list)


@dataclass
class Geography:
    regions: list
    water_bodies: list

    def region(self, code):
        return next(region for region in self.regions if region.code == code)


def _as_polygon(geometry, what):
    if not isinstance(geometry, Polygon) or not geometry.valid:
        raise ValueError(f"The drawn boundary of {what} is not one valid polygon.")
    geometry.srid = 4326
    return geometry


def build_regions(lattice):
    villages, streets = [], []
    for street in STREETS:
        cells = []
        for number, (name, cell) in enumerate(street.villages, start=1):
            polygon = _as_polygon(lattice.cell_polygon(cell), name)
            cells.append(polygon)
            villages.append(
                RegionShape(street.village_code(number), name, RegionLevel.VILLAGE, street.code, polygon, name)
            )
        polygon = _as_polygon(MultiPolygon(cells, srid=4326).unary_union, street.name)
        streets.append(
            RegionShape(street.code, street.name, RegionLevel.STREET, DISTRICT_CODE, polygon, street.short_name)
        )
    district_polygon = _as_polygon(MultiPolygon([s.polygon for s in streets], srid=4326).unary_union, DISTRICT_NAME)
    district = RegionShape(DISTRICT_CODE, DISTRICT_NAME, RegionLevel.DISTRICT, None, district_polygon, DISTRICT_NAME)
    return [district, *streets, *villages]


def _neighbour(point, own_code, candidates):
    # A piece's end lies on the boundary it shares with the neighbour it flows from or into.
    for region in candidates:
        if region.code != own_code and region.polygon.distance(point) < 1e-7:
            return f"{region.name}交界处"
    return ""


def _river_shape(spec, lattice, regions, rng):
    streets = [r for r in regions if r.level == RegionLevel.STREET]
    villages = [r for r in regions if r.level == RegionLevel.VILLAGE]
    areas = streets if spec.split_by == SPLIT_BY_STREET else villages
    meander = CANAL_MEANDER_M if spec.kind == WaterBodyKind.CANAL else MEANDER_M[spec.tier]
    shape = WaterBodyShape(spec, None)
    for label, waypoints in spec.lines:
        dense = river_line(lattice, waypoints, meander, rng)
        pieces = [
            (code, part)
            for code, part in split_line(dense, [(a.code, a.polygon) for a in areas])
            if approximate_length_m(part.coords) >= MIN_SEGMENT_M
        ]
        for code, part in pieces:
            region = next(a for a in areas if a.code == code)
            village = next((v for v in villages if v.polygon.buffer(VILLAGE_FIT_DEGREES).covers(part)), None)
            home = village or region
            arm = f"（{label}）" if label else ""
            shape.segments.append(
                SegmentShape(
                    code=f"{spec.code}-{len(shape.segments) + 1:02d}",
                    name=f"{spec.name}{arm}{home.short_name}段",
                    region_code=home.code,
                    line=resample(part),
                    start=_neighbour(Point(part[0], srid=4326), region.code, areas),
                    end=_neighbour(Point(part[-1], srid=4326), region.code, areas),
                )
            )
    if shape.segments:
        shape.segments[0].start = shape.segments[0].start or spec.start
        shape.segments[-1].end = shape.segments[-1].end or spec.end
    # The same water may cross a region twice; each crossing is its own segment.
    seen = {}
    for segment in shape.segments:
        seen[segment.name] = seen.get(segment.name, 0) + 1
        if seen[segment.name] > 1:
            segment.name = f"{segment.name}{seen[segment.name]}"
    shape.geometry = MultiLineString([s.line for s in shape.segments], srid=4326)
    return shape


def _basin_shape(spec, lattice, regions, rng):
    polygon = basin_polygon(lattice, spec.centre, spec.radius_m, spec.elongation, rng)
    village = next((r for r in regions if r.level == RegionLevel.VILLAGE and r.polygon.contains(polygon)), None)
    if village is None or not polygon.valid:
        raise ValueError(f"The outline of {spec.name} does not lie inside one village.")
    shoreline = LineString(polygon.exterior_ring.coords, srid=4326)
    segment = SegmentShape(f"{spec.code}-01", spec.name, village.code, shoreline)
    return WaterBodyShape(spec, polygon, [segment])


def build_geography():
    """Regions and water bodies with their segments, drawn deterministically."""
    rng = random.Random(GEOMETRY_SEED)
    lattice = Lattice(rng)
    regions = build_regions(lattice)
    water_bodies = []
    for spec in WATER_BODIES:
        build = _river_shape if spec.lines else _basin_shape
        shape = build(spec, lattice, regions, rng)
        if not shape.segments:
            raise ValueError(f"{spec.name} has no segment inside the district.")
        water_bodies.append(shape)
    return Geography(regions, water_bodies)
