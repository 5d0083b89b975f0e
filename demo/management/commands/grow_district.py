"""``manage.py grow_district``: grow the seeded demo district to the size of Wenzhou (or more)."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import DEFAULT_SEED, GrowthError, Progress, grow
from rivers.models.quality import STATION_MONTHS
from wushui import figures


class Command(BaseCommand):
    help = (
        "Grow the demo district that seed_demo builds to Wenzhou scale: at --scale 1 about 100 streets, "
        "2,300 villages, 5,000 segments, 7,500 chiefs, 400,000 patrols over the last twelve months, 3,000 "
        "projects with 24 months of reports, 2,000 responsibility tasks and 1,500 enterprises "
        "(0.1 quick, 8 a province, PostgreSQL advised). Deterministic: the same --seed, --scale and --today "
        "give the same rows. Needs seed_demo to have run; refuses to run on a database it has already grown "
        "(start again from a freshly seeded database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = Wenzhou (default), 0.1 quick, 8 a province")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day the year of patrols ends, exclusive (YYYY-MM-DD; default: today, local time)",
        )

    def handle(self, *args, scale, seed, today, **options):
        started = time.monotonic()
        progress = Progress(lambda text: self.stderr.write(text, ending=""), self.stderr.flush)
        try:
            written = grow(scale, seed=seed, today=today, progress=progress)
        except GrowthError as error:
            raise CommandError(str(error)) from error
        # Bulk writes bypass the models' save: the figures kept on the old rows go now.
        figures.changed(figures.REGISTRY, figures.PATROLS, figures.PROJECTS, STATION_MONTHS)
        self.stdout.write(self.style.SUCCESS(f"Grew the district in {time.monotonic() - started:.0f} s:"))
        for table, rows in written.items():
            self.stdout.write(f"  {table:<14} {rows:>10,}")
