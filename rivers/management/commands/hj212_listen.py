"""``manage.py hj212_listen``: the TCP listener automatic water stations send HJ 212-2017 packets to."""

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from rivers.hj212_listener import Listener


class Command(BaseCommand):
    help = (
        "Listen for HJ 212-2017 packets of automatic water-quality stations (real-time, hourly and daily "
        "data), store them as samples and answer as the protocol asks. Address from HJ212_HOST and "
        "HJ212_PORT unless given here. Stops on SIGINT or SIGTERM."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HJ212_HOST)
        parser.add_argument("--port", type=int, default=settings.HJ212_PORT)
        parser.add_argument("--idle-seconds", type=int, default=settings.HJ212_IDLE_SECONDS)

    def handle(self, *args, host, port, idle_seconds, **options):
        asyncio.run(self.serve(Listener(host, port, idle_seconds=idle_seconds)))

    async def serve(self, listener):
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, listener.stop)
        task = asyncio.create_task(listener.serve())
        while listener.server is None and not task.done():
            await asyncio.sleep(0.01)
        if listener.server is not None:
            self.stdout.write(f"HJ 212 listener on {listener.host}:{listener.port}", ending="\n")
            self.stdout.flush()
        await task
        self.stdout.write(f"Stopped; {dict(listener.stats)}")
