"""``manage.py seed_demo``: fill the database with Longwan as the district leader's speech describes it."""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from demo import geography
from inspections.demo import seed_patrols, seed_problems
from inspections.models import Patrol, Problem
from projects.demo import seed_projects
from projects.models import Enterprise, ProgressReport, Project, ResponsibilityTask
from rivers.choices import ChiefRole, WaterBodyKind
from rivers.demo import seed_quality
from rivers.models import ChiefAppointment, Segment, Signboard, WaterBody
from rivers.models.quality import STATION_MONTHS
from rivers.services import create_missing_signboards
from wushui import figures
from wushui.choices import Domain, RegionLevel, Role, Tier, UnitKind
from wushui.geo import to_metric
from wushui.models import Region, Unit, User

DEFAULT_SEED = 2022
DEMO_PASSWORD = "wushui-demo"
# Share of segments whose chief changed once, so that the registry shows history.
HISTORY_SHARE = 0.12
DEMO_LOGINS = (
    "admin",
    "official",
    "yongzhong",
    "dept_env",
    "dept_water",
    "owner_east",
    "dept_outlets",
    "chief_yongzhong",
    "chief_village",
)
PHONE_PREFIXES = ("138", "139", "135", "137", "158", "159", "186")


@dataclass
class Person:
    """A demo user before it is stored; ``post`` and ``since`` matter for chiefs only."""

    username: str
    name: str
    role: str
    region_code: str
    phone: str
    post: str = ""
    since: date | None = None
    until: date | None = None
    unit_name: str | None = None
    domain: str = ""
    is_superuser: bool = False


@dataclass(frozen=True)
class Appointment:
    segment_code: str
    tier: str
    role: str
    chief: Person
    start_date: date
    end_date: date | None


class Command(BaseCommand):
    help = (
        "Seed the demo district Longwan (龙湾区): regions with boundaries, units, water bodies, segments, "
        f"chiefs with their appointments and demo logins (password {DEMO_PASSWORD!r}). "
        "Deterministic for a given --seed and safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Seed for people, phones and dates (default {DEFAULT_SEED}).",
        )

    def handle(self, *args, seed, **options):
        try:
            drawn = geography.build_geography()
        except ValueError as error:
            raise CommandError(f"The demo map could not be drawn: {error}") from error
        seeder = Seeder(drawn, seed)
        try:
            with transaction.atomic():
                seeder.run()
                new_patrols = seed_patrols(seed)
                seed_projects(seed)
                seed_problems()
                quality = seed_quality(seed)
        except ValidationError as error:
            raise CommandError(f"The demo data does not validate: {error}") from error
        # Some rows were written in bulk (bypassing the models' save): the figures kept go now.
        figures.changed(figures.REGISTRY, figures.PATROLS, figures.PROJECTS, STATION_MONTHS)
        self.print_summary(seeder, new_patrols)
        self.stdout.write(
            f"  Water quality: {quality['stations']} stations, {quality['samples']} new samples, "
            f"{quality['outlets']} outlets written, {quality['three_rivers']} 清三河 records new"
        )
        self.print_logins()

    def print_summary(self, seeder, new_patrols):
        regions = dict(Region.objects.values_list("level").annotate(count=Count("pk")))
        current = ChiefAppointment.objects.current()
        tiers = dict(current.values_list("tier").annotate(count=Count("pk")))
        lines = [
            f"Regions: {regions.get(RegionLevel.DISTRICT, 0)} district, {regions.get(RegionLevel.STREET, 0)} streets, "
            f"{regions.get(RegionLevel.VILLAGE, 0)} villages",
            f"Units: {Unit.objects.count()}",
            f"Water bodies: {WaterBody.objects.count()}; segments: {Segment.objects.count()}; "
            f"signboards: {Signboard.objects.count()} ({seeder.signboards} new)",
            f"Current appointments: {tiers.get(Tier.DISTRICT, 0)} district, {tiers.get(Tier.STREET, 0)} street, "
            f"{tiers.get(Tier.VILLAGE, 0)} village tier "
            f"({current.filter(role=ChiefRole.POLICE_CHIEF).count()} of them police chiefs); "
            f"ended: {ChiefAppointment.objects.filter(end_date__isnull=False).count()}",
            f"Users: {User.objects.count()} ({User.objects.filter(role=Role.CHIEF).count()} chiefs)",
            f"Patrols: {Patrol.objects.count()} ({Patrol.objects.filter(is_valid=True).count()} valid; "
            f"{new_patrols} new), problems: {Problem.objects.count()}",
            f"Projects: {Project.objects.count()} ({ProgressReport.objects.count()} monthly reports), "
            f"responsibility tasks: {ResponsibilityTask.objects.count()}, enterprises: {Enterprise.objects.count()}",
            f"Rows created or updated: {seeder.writer.written}; already as wanted: {seeder.writer.unchanged}; "
            f"stale appointments removed: {seeder.removed}",
        ]
        self.stdout.write(self.style.SUCCESS("Seeded the Longwan demo."))
        for line in lines:
            self.stdout.write(f"  {line}")

    def print_logins(self):
        users = {user.username: user for user in User.objects.filter(username__in=DEMO_LOGINS).select_related("region")}
        header = ("username", "role", "region")
        rows = [(name, str(users[name].get_role_display()), str(users[name].region or "")) for name in DEMO_LOGINS]
        widths = [max(_display_width(cell) for cell in column) for column in zip(header, *rows, strict=True)]
        self.stdout.write(f"\nDemo logins (password {DEMO_PASSWORD!r}):")
        for row in (header, *rows):
            cells = (cell + " " * (width - _display_width(cell)) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())


def _display_width(text):
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def _differs(instance, field_name, value):
    field = instance._meta.get_field(field_name)
    if field.is_relation:
        # Compare keys: reading the relation would cost a query per row.
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, field_name) != value


class Writer:
    """Creates or updates rows, validated, and leaves alone the rows that are already as wanted."""

    def __init__(self):
        self.written = 0
        self.unchanged = 0

    def write(self, model, instance, values):
        if instance is not None and not any(_differs(instance, name, value) for name, value in values.items()):
            self.unchanged += 1
            return instance
        instance = instance or model()
        for field_name, value in values.items():
            setattr(instance, field_name, value)
        instance.full_clean()
        instance.save()
        self.written += 1
        return instance

    def upsert(self, model, key, rows):
        """Write ``rows`` (dicts holding ``key``), loading the existing ones in one query."""
        existing = model.objects.in_bulk([row[key] for row in rows], field_name=key)
        return {row[key]: self.write(model, existing.get(row[key]), row) for row in rows}


class Seeder:
    """Writes the demo, in dependency order: regions, units, waters, people, appointments."""

    def __init__(self, geography, seed):
        self.geography = geography
        self.rng = random.Random(seed)
        self.taken_names = set()
        self.taken_phones = set()
        self.writer = Writer()
        self.removed = 0

    def run(self):
        self.regions = self.seed_regions()
        self.units = self.seed_units()
        self.segments = self.seed_waters()
        people, appointments = self.plan_people()
        self.users = self.seed_users(people)
        self.seed_appointments(appointments)
        # A signboard at every segment (idempotent: a segment with a board keeps it and its code).
        self.signboards = create_missing_signboards(Segment.objects.all())

    # --- Places ---------------------------------------------------------------------------------------

    def seed_regions(self):
        regions = {}
        # Parents first, so that each child can point to a stored parent.
        for level in (RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.VILLAGE):
            shapes = [shape for shape in self.geography.regions if shape.level == level]
            rows = [
                {
                    "code": shape.code,
                    "name": shape.name,
                    "level": shape.level,
                    "parent": regions.get(shape.parent_code),
                    "boundary": MultiPolygon(shape.polygon, srid=4326),
                }
                for shape in shapes
            ]
            regions.update(self.writer.upsert(Region, "code", rows))
        return regions

    def seed_units(self):
        rows = [
            {
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "region": None,
                "phone": self.office_phone(),
                "duties": duties,
            }
            for name, short_name, kind, duties in geography.UNITS
        ]
        rows += [
            {
                "name": f"{street.name}办事处",
                "short_name": street.name,
                "kind": UnitKind.STREET_OFFICE,
                "region": self.regions[street.code],
                "phone": self.office_phone(),
                "duties": "属地包干：辖区河道巡查管护、入河排污口标识与整治、清淤保洁。",
            }
            for street in geography.STREETS
        ]
        return self.writer.upsert(Unit, "name", rows)

    def seed_waters(self):
        body_rows, segment_rows = [], []
        for shape in self.geography.water_bodies:
            spec = shape.spec
            metric = to_metric(shape.geometry)
            linear = spec.kind in WaterBodyKind.LINEAR
            body_rows.append(
                {
                    "code": spec.code,
                    "name": spec.name,
                    "kind": spec.kind,
                    "responsible_tier": spec.tier,
                    "target_class": spec.target_class,
                    "length_km": Decimal(metric.length / 1000).quantize(Decimal("0.01")) if linear else None,
                    "area_km2": None if linear else Decimal(metric.area / 1e6).quantize(Decimal("0.001")),
                    "start_description": spec.start or self.regions[shape.segments[0].region_code].name,
                    "end_description": spec.end or self.regions[shape.segments[-1].region_code].name,
                    "is_provincial_model": spec.is_provincial_model,
                    "description": spec.description,
                    "geometry": shape.geometry,
                }
            )
        bodies = self.writer.upsert(WaterBody, "code", body_rows)
        for shape in self.geography.water_bodies:
            for segment in shape.segments:
                segment_rows.append(
                    {
                        "code": segment.code,
                        "name": segment.name,
                        "water_body": bodies[shape.spec.code],
                        "region": self.regions[segment.region_code],
                        "start_description": segment.start,
                        "end_description": segment.end,
                        "geometry": segment.line,
                    }
                )
        return self.writer.upsert(Segment, "code", segment_rows)

    # --- People ---------------------------------------------------------------------------------------

    def person_name(self):
        while True:
            given = "".join(self.rng.choice(geography.GIVEN_NAME_CHARACTERS) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(geography.SURNAMES) + given
            if name not in self.taken_names:
                self.taken_names.add(name)
                return name

    def mobile_phone(self):
        while True:
            phone = self.rng.choice(PHONE_PREFIXES) + "".join(self.rng.choice("0123456789") for _ in range(8))
            if phone not in self.taken_phones:
                self.taken_phones.add(phone)
                return phone

    def office_phone(self):
        return "0577-8" + "".join(self.rng.choice("0123456789") for _ in range(7))

    def day(self, year, months=(1, 12)):
        return date(year, self.rng.randint(*months), self.rng.randint(1, 28))

    def chief(self, username, region_code, post, since, **extra):
        return Person(
            username=username,
            name=self.person_name(),
            role=Role.CHIEF,
            region_code=region_code,
            phone=self.mobile_phone(),
            post=post,
            since=since,
            **extra,
        )

    def plan_people(self):
        """Everybody the demo needs, and the appointments of the chiefs, without touching the database."""
        district = geography.DISTRICT_CODE
        people = [
            Person(
                "admin",
                "区治水办管理员",
                Role.DISTRICT_ADMIN,
                district,
                self.office_phone(),
                unit_name="区治水办",
                is_superuser=True,
            ),
            Person(
                "official",
                self.person_name(),
                Role.DISTRICT_OFFICIAL,
                district,
                self.mobile_phone(),
                unit_name="区治水办",
            ),
            Person(
                "yongzhong",
                self.person_name(),
                Role.STREET_OFFICIAL,
                geography.STREETS[0].code,
                self.mobile_phone(),
                unit_name="永中街道办事处",
            ),
            Person(
                "dept_env",
                self.person_name(),
                Role.DEPARTMENT,
                district,
                self.mobile_phone(),
                unit_name="区生态环境分局",
                domain=Domain.WATER_QUALITY,
            ),
            Person(
                "dept_outlets",
                self.person_name(),
                Role.DEPARTMENT,
                district,
                self.mobile_phone(),
                unit_name="区生态环境分局",
                domain=Domain.OUTLETS,
            ),
        ]

        district_bodies = [shape for shape in self.geography.water_bodies if shape.spec.tier == Tier.DISTRICT]
        leaders = {
            shape.spec.code: self.chief(f"chief_d{number:02d}", district, post, self.day(2021, (9, 12)))
            for number, (shape, post) in enumerate(zip(district_bodies, geography.DISTRICT_POSTS, strict=True), start=1)
        }
        district_police = self.chief("chief_p00", district, geography.DISTRICT_POLICE_POST, self.day(2021))
        # The predecessor left before any of today's leaders took office.
        first_leader_since = min(leader.since for leader in leaders.values())
        district_former = self.chief("chief_d_former", district, "龙湾区副区长", self.day(2017))
        district_former.until = first_leader_since - timedelta(days=self.rng.randint(5, 40))

        street_chiefs, street_formers, police, village_chiefs = {}, {}, {}, {}
        for number, street in enumerate(geography.STREETS, start=1):
            secretary = self.chief(
                "chief_yongzhong" if street.slug == "yongzhong" else f"chief_s{number:02d}_1",
                street.code,
                f"{street.name}党工委书记",
                self.day(2021),
                unit_name=f"{street.name}办事处",
            )
            director = self.chief(
                f"chief_s{number:02d}_2",
                street.code,
                f"{street.name}办事处主任",
                self.day(self.rng.choice((2020, 2021))),
                unit_name=f"{street.name}办事处",
            )
            street_chiefs[street.code] = (secretary, director)
            former = self.chief(
                f"chief_s{number:02d}_former",
                street.code,
                f"{street.name}党工委书记",
                self.day(self.rng.choice((2016, 2017))),
                unit_name=f"{street.name}办事处",
            )
            former.until = min(secretary.since, director.since) - timedelta(days=self.rng.randint(5, 40))
            street_formers[street.code] = former
            if street.name in geography.POLICE_STREETS:
                police[street.code] = self.chief(
                    f"chief_p{number:02d}",
                    street.code,
                    f"龙湾公安分局{street.short_name}派出所所长",
                    self.day(self.rng.choice((2020, 2021))),
                )

        villages_with_segments = {
            segment.region_code
            for shape in self.geography.water_bodies
            for segment in shape.segments
            if self.regions[segment.region_code].level == RegionLevel.VILLAGE
        }
        demo_village_login_taken = False
        for number, street in enumerate(geography.STREETS, start=1):
            for village_number, (name, _cell) in enumerate(street.villages, start=1):
                code = street.village_code(village_number)
                if code not in villages_with_segments:
                    continue
                community = name.endswith("社区")
                if self.rng.random() < 0.5:
                    post = f"{name}党委书记" if community else f"{name}党支部书记"
                else:
                    post = f"{name}居委会主任" if community else f"{name}村委会主任"
                username = f"chief_v{number:02d}_{village_number:02d}"
                # The demo login is the first village chief of 永中.
                if street.slug == "yongzhong" and not demo_village_login_taken:
                    username, demo_village_login_taken = "chief_village", True
                # Village committees were elected in the spring of 2021.
                village_chiefs[code] = self.chief(username, code, post, self.day(2021, (3, 5)))

        appointments = []
        for body_index, shape in enumerate(self.geography.water_bodies):
            is_district = shape.spec.tier == Tier.DISTRICT
            for segment in shape.segments:
                region = self.regions[segment.region_code]
                street_code = self.street_code(region.code)
                if is_district:
                    leader = leaders[shape.spec.code]
                    appointments.append(
                        Appointment(segment.code, Tier.DISTRICT, ChiefRole.CHIEF, leader, leader.since, None)
                    )
                    appointments.append(
                        Appointment(
                            segment.code,
                            Tier.DISTRICT,
                            ChiefRole.POLICE_CHIEF,
                            district_police,
                            district_police.since,
                            None,
                        )
                    )
                # The secretary takes the big rivers; the two leaders share the others.
                street_chief = street_chiefs[street_code][0 if is_district else body_index % 2]
                appointments.append(
                    Appointment(segment.code, Tier.STREET, ChiefRole.CHIEF, street_chief, street_chief.since, None)
                )
                if street_code in police:
                    officer = police[street_code]
                    appointments.append(
                        Appointment(segment.code, Tier.STREET, ChiefRole.POLICE_CHIEF, officer, officer.since, None)
                    )
                if region.level == RegionLevel.VILLAGE:
                    village_chief = village_chiefs[region.code]
                    appointments.append(
                        Appointment(
                            segment.code, Tier.VILLAGE, ChiefRole.CHIEF, village_chief, village_chief.since, None
                        )
                    )

        segment_regions = {
            segment.code: segment.region_code for shape in self.geography.water_bodies for segment in shape.segments
        }
        segment_codes = list(segment_regions)
        district_segments = {segment.code for shape in district_bodies for segment in shape.segments}
        for code in sorted(self.rng.sample(segment_codes, round(HISTORY_SHARE * len(segment_codes)))):
            street_code = self.street_code(segment_regions[code])
            if code in district_segments and self.rng.random() < 0.5:
                tier, former = Tier.DISTRICT, district_former
            else:
                tier, former = Tier.STREET, street_formers[street_code]
            appointments.append(Appointment(code, tier, ChiefRole.CHIEF, former, former.since, former.until))

        chiefs = [
            *leaders.values(),
            district_police,
            district_former,
            *(person for pair in street_chiefs.values() for person in pair),
            *street_formers.values(),
            *police.values(),
            *village_chiefs.values(),
        ]
        return people + chiefs, appointments

    def street_code(self, region_code):
        shape = self.geography.region(region_code)
        return shape.code if shape.level == RegionLevel.STREET else shape.parent_code

    def seed_users(self, people):
        password = self.password_hash()
        rows = [
            {
                "username": person.username,
                "name": person.name,
                "role": person.role,
                "region": self.regions[person.region_code],
                "unit": self.units[person.unit_name] if person.unit_name else None,
                "domain": person.domain,
                "phone": person.phone,
                "password": password,
                "is_active": True,
                "is_staff": person.is_superuser,
                "is_superuser": person.is_superuser,
            }
            for person in people
        ]
        return self.writer.upsert(User, "username", rows)

    @staticmethod
    def password_hash():
        # Hashing is deliberately slow: hash once for everybody, and keep the stored
        # hash when it still matches so that a rerun changes nothing.
        stored = User.objects.filter(username="admin").values_list("password", flat=True).first()
        if stored and check_password(DEMO_PASSWORD, stored):
            return stored
        return make_password(DEMO_PASSWORD)

    def seed_appointments(self, appointments):
        segment_ids = [segment.pk for segment in self.segments.values()]
        wanted = {(self.segments[a.segment_code].pk, a.tier, a.role, a.start_date): a for a in appointments}
        existing = {}
        stale = []
        for appointment in ChiefAppointment.objects.filter(segment_id__in=segment_ids):
            key = (appointment.segment_id, appointment.tier, appointment.role, appointment.start_date)
            if key in wanted and key not in existing:
                existing[key] = appointment
            else:
                stale.append(appointment.pk)
        # The demo's chiefs replace whatever appointments its segments had, e.g. from another --seed.
        self.removed, _by_model = ChiefAppointment.objects.filter(pk__in=stale).delete()
        # Ended appointments first: a current one never meets a predecessor that is still open.
        rows = [
            {
                "segment": self.segments[planned.segment_code],
                "tier": planned.tier,
                "role": planned.role,
                "chief": self.users[planned.chief.username],
                "post": planned.chief.post,
                "public_phone": planned.chief.phone,
                "start_date": planned.start_date,
                "end_date": planned.end_date,
            }
            for planned in sorted(appointments, key=lambda a: (a.end_date is None, a.start_date, a.segment_code))
        ]
        for row in rows:
            key = (row["segment"].pk, row["tier"], row["role"], row["start_date"])
            self.writer.write(ChiefAppointment, existing.get(key), row)
