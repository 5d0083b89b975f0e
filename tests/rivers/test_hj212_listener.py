"""The HJ 212 listener over a real socket on a local port: framing, checks, answers, storing once,
and connections that misbehave without holding up the others."""

import asyncio
import datetime
import socket
import threading
import time

import pytest
import time_machine
from django.utils import timezone

from rivers import hj212
from rivers.choices import AlertKind, SampleInterval, SampleSource, WaterClass
from rivers.hj212_listener import Listener
from rivers.models import Alert, Sample, Station
from tests.factories import StationFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
DATA_TIME = datetime.datetime(2026, 3, 5, 10, 0)


@pytest.fixture
def station(world):
    return StationFactory(
        code="T-AUTO-1",
        segment=world.segment_a1,
        is_automatic=True,
        mn="LW0001",
        hj212_password="123456",
        target_class=3,
        responsible_chief=world.users.chief_a1,
    )


@pytest.fixture
def listener(station):
    with time_machine.travel(NOW, tick=True):
        listener = Listener("127.0.0.1", 0, idle_seconds=5, write_timeout=2)
        ready = threading.Event()
        thread = threading.Thread(target=lambda: asyncio.run(listener.serve(ready)), daemon=True)
        thread.start()
        assert ready.wait(10)
        yield listener
        listener.stop_from_another_thread()
        thread.join(10)


def connect(listener):
    sock = socket.create_connection(("127.0.0.1", listener.port), timeout=5)
    return sock


def packet(cn=hj212.HOURLY, mn="LW0001", pw="123456", flag=5, when=DATA_TIME, qn=None, **factors):
    factors = factors or {"w21003": (2.6, "N"), "w01009": (4.5, "N"), "w01001": (7.3, "N")}
    return hj212.frame(hj212.data_segment(mn=mn, pw=pw, cn=cn, data_time=when, factors=factors, flag=flag, qn=qn))


def answers(sock, count, timeout=5):
    decoder = hj212.StreamDecoder()
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(65536)
        except TimeoutError:
            break
        if not data:
            break
        got += decoder.feed(data)
    return got


def wait_for(condition, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_good_packet_is_stored_classified_and_answered(listener, station):
    sock = connect(listener)
    sock.sendall(packet(qn="20260305100000123"))
    [answer] = answers(sock, 1)
    assert (answer.cn, answer.qn, answer.mn) == (hj212.DATA_RESPONSE, "20260305100000123", "LW0001")
    sample = Sample.objects.get()
    assert (sample.source, sample.interval) == (SampleSource.AUTOMATIC, SampleInterval.HOUR)
    assert sample.values == {"nh3n": 2.6, "do": 4.5, "ph": 7.3}
    assert sample.water_class == WaterClass.WORSE_THAN_V
    assert sample.sampled_at == timezone.make_aware(DATA_TIME)
    station.refresh_from_db()
    assert station.latest_class == WaterClass.WORSE_THAN_V
    alert = Alert.objects.get()
    assert (alert.kind, alert.chief, alert.target_class) == (AlertKind.WORSE_THAN_V, station.responsible_chief, 3)


def test_a_repeated_packet_is_stored_once_and_answered_twice(listener):
    sock = connect(listener)
    sock.sendall(packet() + packet())
    assert len(answers(sock, 2)) == 2
    sock.sendall(packet())
    assert len(answers(sock, 1)) == 1
    assert Sample.objects.count() == 1
    assert Alert.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (packet(mn="NOSUCH"), hj212.BAD_MN),
        (packet(pw="wrong"), hj212.BAD_PASSWORD),
        (packet()[:-6] + b"0000\r\n", hj212.BAD_CRC),
        (packet(cn="2051"), hj212.BAD_CN),
        (packet(when=datetime.datetime(2026, 3, 6, 10, 0)), hj212.REFUSED),
        (packet(w21003=(-1.0, "N")), hj212.REFUSED),
    ],
    ids=["unknown MN", "wrong password", "bad CRC", "minute data", "future", "negative"],
)
def test_a_refused_packet_is_answered_with_the_reason_and_stores_nothing(listener, data, code):
    sock = connect(listener)
    sock.sendall(data)
    [answer] = answers(sock, 1)
    assert answer.cn == hj212.REQUEST_RESPONSE
    assert answer.cp == f"QnRtn={code}"
    assert not Sample.objects.exists()


def test_a_wrong_length_is_refused_and_the_connection_goes_on(listener):
    good = packet()
    body = good[6:-6]
    sock = connect(listener)
    sock.sendall(b"##%04d" % (len(body) - 5) + body + good[-6:] + good)
    got = answers(sock, 2)
    assert [item.cn for item in got] == [hj212.REQUEST_RESPONSE, hj212.DATA_RESPONSE]
    assert Sample.objects.count() == 1


def test_packets_split_across_reads_two_in_one_read_and_garbage(listener):
    first = packet(when=DATA_TIME)
    second = packet(when=DATA_TIME + datetime.timedelta(hours=1))
    third = packet(when=DATA_TIME - datetime.timedelta(hours=1))
    sock = connect(listener)
    for piece in (first[:5], first[5:40], first[40:]):
        sock.sendall(piece)
        time.sleep(0.05)
    sock.sendall(b"\x00\x01garbage\r\n" + second + third)
    assert [item.cn for item in answers(sock, 3)] == [hj212.DATA_RESPONSE] * 3
    assert Sample.objects.count() == 3


def test_flag_4_asks_for_no_answer_and_is_stored(listener):
    sock = connect(listener)
    sock.sendall(packet(flag=4))
    assert wait_for(lambda: Sample.objects.exists())
    assert answers(sock, 1, timeout=0.5) == []


def test_a_slow_client_holds_nobody_up(listener, station):
    StationFactory(code="T-AUTO-2", segment=station.segment, is_automatic=True, mn="LW0002", hj212_password="pw2")
    slow = connect(listener)
    slow.sendall(packet()[:20])  # and then nothing
    fast = connect(listener)
    started = time.monotonic()
    fast.sendall(packet(mn="LW0002", pw="pw2"))
    [answer] = answers(fast, 1)
    assert answer.mn == "LW0002"
    assert time.monotonic() - started < 2
    slow.sendall(packet()[20:])
    assert len(answers(slow, 1)) == 1


def test_realtime_values_flagged_other_than_n_are_kept_not_classified(listener, station):
    sock = connect(listener)
    sock.sendall(packet(cn=hj212.REALTIME, w21003=(9.0, "D"), w01009=(6.5, "N")))
    assert len(answers(sock, 1)) == 1
    sample = Sample.objects.get()
    assert sample.interval == SampleInterval.INSTANT
    assert sample.flags == {"nh3n": "D", "do": "N"}
    assert sample.water_class == WaterClass.II  # DO only: NH3-N was flagged as a fault
    station.refresh_from_db()
    assert station.latest_class is None  # real-time readings do not set the station's class
    assert not Alert.objects.exists()


def test_one_connection_per_station(listener):
    old = connect(listener)
    old.sendall(packet())
    assert len(answers(old, 1)) == 1
    new = connect(listener)
    new.sendall(packet(when=DATA_TIME + datetime.timedelta(hours=1)))
    assert len(answers(new, 1)) == 1
    old.settimeout(2)
    assert old.recv(10) == b""  # closed by the listener
    assert listener.stats["replaced"] == 1


def test_a_station_disabled_is_unknown(listener, station):
    Station.objects.filter(pk=station.pk).update(is_active=False)
    sock = connect(listener)
    sock.sendall(packet())
    [answer] = answers(sock, 1)
    assert answer.cp == f"QnRtn={hj212.BAD_MN}"
