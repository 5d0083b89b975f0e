"""The HJ 212 TCP listener (``manage.py hj212_listen``): automatic stations connect and send packets.

asyncio, one task per connection, so a slow or silent station holds nobody else up:

- each connection decodes its own byte stream (``hj212.StreamDecoder``: packets split over reads,
  several in one read, garbage skipped) and joins split packets (``hj212.Assembler``);
- what a read brought goes to one queue; a single writer takes whatever the queue holds (up to
  ``batch_size`` packets, from every connection) and stores it in one transaction in a worker
  thread (``rivers.hj212_ingest.ingest``, the Django ORM being synchronous), so that thousands of
  packets a second cost a few round trips each;
- the connection answers once its packets are committed: a data response (9014) where Flag asks
  for one, a request answer (9011) with the reason for a refused packet; a packet the database could
  not take gets no answer, so that the station sends it again;
- one connection per station: when a station's packet arrives on a new connection, the old one (a
  half-open socket from before a reconnect) is closed;
- a connection silent for ``idle_seconds`` is closed, and so is one that does not read its answers
  within ``write_timeout``.
"""

import asyncio
import contextlib
import logging
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections

from rivers import hj212
from rivers.hj212_ingest import Outcome, ingest
from rivers.samples import refresh_months_of

logger = logging.getLogger("rivers.hj212")

READ_SIZE = 64 * 1024
# The monthly means of the months packets touched are recomputed this often, not once per batch.
MONTHS_EVERY_SECONDS = 10


class Listener:
    def __init__(self, host, port, *, idle_seconds=600, write_timeout=30, batch_size=1000, store=None):
        self.host, self.port = host, port
        self.idle_seconds = idle_seconds
        self.write_timeout = write_timeout
        self.batch_size = batch_size
        self.store = store or self._store
        self.stats = Counter()
        self.by_station = {}  # MN -> the StreamWriter of its connection
        self.server = None
        self.queue = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hj212-store")
        self.months = set()  # (station id, month) touched since the last summary
        self.months_at = time.monotonic()
        self.stopped = None

    # --- Running ------------------------------------------------------------------------------------

    async def start(self):
        self.loop = asyncio.get_running_loop()
        self.queue = asyncio.Queue()
        self.stopped = asyncio.Event()
        self.server = await asyncio.start_server(self.handle, self.host, self.port, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]
        self.writer_task = asyncio.create_task(self.write_batches())
        logger.info("HJ 212 listener on %s:%s", self.host, self.port)

    async def serve(self, ready=None):
        """Start, tell ``ready`` (a ``threading.Event``) and run until :meth:`stop`."""
        await self.start()
        if ready is not None:
            ready.set()
        await self.stopped.wait()
        self.server.close()
        for writer in list(self.by_station.values()):
            writer.close()
        await self.server.wait_closed()
        self.writer_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.writer_task
        await asyncio.get_running_loop().run_in_executor(self.executor, self._last_flush)
        self.executor.shutdown(wait=True)

    def stop(self):
        self.stopped.set()

    def stop_from_another_thread(self):
        self.loop.call_soon_threadsafe(self.stop)

    # --- One connection -----------------------------------------------------------------------------

    async def handle(self, reader, writer):
        self.stats["connections"] += 1
        decoder = hj212.StreamDecoder()
        assembler = hj212.Assembler()
        stations = set()
        try:
            while True:
                try:
                    data = await asyncio.wait_for(reader.read(READ_SIZE), self.idle_seconds)
                except asyncio.TimeoutError:
                    self.stats["idle_closed"] += 1
                    break
                if not data:
                    break
                items = []
                for item in decoder.feed(data):
                    if isinstance(item, hj212.Packet):
                        item = assembler.add(item)
                        if item is None:
                            continue  # a part of a split packet; the rest is to come
                    items.append(item)
                if not items:
                    continue
                future = asyncio.get_running_loop().create_future()
                await self.queue.put((items, future))
                outcomes = await future
                for outcome in outcomes:
                    if outcome.stored:
                        self.stats["stored"] += 1
                        self.claim(outcome.packet.mn, writer, stations)
                    elif outcome.code:
                        self.stats["refused"] += 1
                    else:
                        self.stats["failed"] += 1
                    if outcome.answer:
                        writer.write(outcome.answer)
                try:
                    await asyncio.wait_for(writer.drain(), self.write_timeout)
                except asyncio.TimeoutError:
                    self.stats["slow_closed"] += 1
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            self.stats["skipped_bytes"] += decoder.skipped
            for mn in stations:
                if self.by_station.get(mn) is writer:
                    del self.by_station[mn]
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def claim(self, mn, writer, stations):
        """This connection is the station's now; an older one of the same station is closed."""
        previous = self.by_station.get(mn)
        if previous is not writer:
            if previous is not None:
                self.stats["replaced"] += 1
                previous.close()
            self.by_station[mn] = writer
            stations.add(mn)

    # --- Storing ------------------------------------------------------------------------------------

    async def write_batches(self):
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            count = len(batch[0][0])
            while count < self.batch_size:
                try:
                    entry = self.queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                batch.append(entry)
                count += len(entry[0])
            items = [item for entry, _future in batch for item in entry]
            started = time.monotonic()
            try:
                outcomes = await loop.run_in_executor(self.executor, self.store, items)
            except Exception:
                logger.exception("HJ 212: a batch of %s packets could not be stored; none is answered", len(items))
                outcomes = [None] * len(items)
            self.stats["batches"] += 1
            self.stats["batch_seconds_ms"] += int((time.monotonic() - started) * 1000)
            position = 0
            for entry, future in batch:
                part = outcomes[position : position + len(entry)]
                position += len(entry)
                if not future.done():
                    future.set_result([outcome or _unstored(item) for outcome, item in zip(part, entry, strict=True)])

    def _store(self, items):
        # Runs in the one worker thread: its own database connection, renewed when it broke or aged.
        close_old_connections()
        outcomes = ingest(items, months=self.months)
        if time.monotonic() - self.months_at >= MONTHS_EVERY_SECONDS:
            self._flush_months()
        return outcomes

    def _last_flush(self):
        self._flush_months()
        connections.close_all()

    def _flush_months(self):
        try:
            refresh_months_of(self.months)
            self.months = set()
        except Exception:
            logger.exception("HJ 212: monthly means not refreshed; trying again later")
        self.months_at = time.monotonic()


def _unstored(item):
    return Outcome(item, False)
