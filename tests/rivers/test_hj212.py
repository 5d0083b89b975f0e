"""The HJ 212-2017 parser, framer and CRC, on packets shaped like the standard's and vendors'."""

import datetime
import random

import pytest

from rivers import hj212
from rivers.hj212 import FrameError, Packet, StreamDecoder, crc16, frame

# The standard's own example packet (HJ 212-2017, a request of the real-time interval).
STANDARD_EXAMPLE = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    b"CP=&&RtdInterval=30&&1C80\r\n"
)
TIME = datetime.datetime(2026, 3, 5, 10, 0)


def hourly(mn="LW0001", pw="123456", flag=5, **factors):
    factors = factors or {"w21003": (1.2, "N"), "w01009": (4.5, "N"), "w01001": (7.3, "N")}
    return hj212.data_segment(mn=mn, pw=pw, cn=hj212.HOURLY, data_time=TIME, factors=factors, flag=flag)


def test_crc_check_value():
    assert crc16(b"123456789") == 0x2F80
    assert hj212.crc16_bitwise(b"123456789") == 0x2F80


def test_the_table_crc_is_the_standards_bitwise_one():
    rng = random.Random(212)
    for _ in range(500):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
        assert crc16(data) == hj212.crc16_bitwise(data)


def test_the_standards_example_decodes():
    [packet] = StreamDecoder().feed(STANDARD_EXAMPLE)
    assert isinstance(packet, Packet)
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn) == (
        "20160801085857223",
        "32",
        "1062",
        "100000",
        "010000A8900016F000169DC0",
    )
    assert packet.wants_answer
    assert not packet.is_split
    assert packet.cp == "RtdInterval=30"


def test_frame_round_trip_and_cp():
    packet_bytes = frame(hourly())
    assert packet_bytes.startswith(b"##")
    assert packet_bytes.endswith(b"\r\n")
    assert int(packet_bytes[2:6]) == len(packet_bytes) - 12
    [packet] = StreamDecoder().feed(packet_bytes)
    reading = hj212.parse_cp(packet.cp)
    assert reading.data_time == TIME
    assert reading.factors["w21003"] == {"Avg": 1.2, "Flag": "N"}


def test_bad_crc_is_an_error_naming_what_could_be_read():
    packet_bytes = bytearray(frame(hourly()))
    packet_bytes[-6:-2] = b"0000"
    [error] = StreamDecoder().feed(bytes(packet_bytes))
    assert isinstance(error, FrameError)
    assert error.code == hj212.BAD_CRC
    assert error.fields["MN"] == "LW0001"


@pytest.mark.parametrize("delta", [-3, 3])
def test_a_wrong_length_is_an_error_and_the_next_packet_still_reads(delta):
    good = frame(hourly())
    body = good[6:-6]
    wrong = b"##%04d" % (len(body) + delta) + body + good[-6:]
    items = StreamDecoder().feed(wrong + good)
    assert isinstance(items[0], FrameError)
    assert isinstance(items[-1], Packet)


def test_split_reads_two_packets_in_one_read_and_garbage():
    one, two = frame(hourly(mn="A1")), frame(hourly(mn="B2"))
    decoder = StreamDecoder()
    assert decoder.feed(one[:7]) == []
    assert decoder.feed(one[7:30]) == []
    [first] = decoder.feed(one[30:])
    assert first.mn == "A1"
    items = decoder.feed(b"\x00\xffgarbage#" + one + b"noise" + two)
    assert [item.mn for item in items] == ["A1", "B2"]
    assert decoder.skipped >= len(b"\x00\xffgarbage#noise")


def test_a_length_that_is_not_digits_resynchronises():
    items = StreamDecoder().feed(b"##ab12xyz" + frame(hourly()))
    assert isinstance(items[0], FrameError)
    assert isinstance(items[1], Packet)


@pytest.mark.parametrize(
    ("segment", "code"),
    [
        ("QN=20260305100000000;ST=21;CN=2061;PW=1;Flag=5;CP=&&DataTime=20260305100000&&", hj212.BAD_MN),
        ("QN=2026;ST=21;CN=2061;PW=1;MN=A1;Flag=5;CP=&&DataTime=20260305100000&&", hj212.BAD_QN),
        ("QN=20260305100000000;ST=21;CN=2061;PW=1;MN=A1;Flag=1;CP=&&DataTime=20260305100000&&", hj212.BAD_FLAG),
        ("QN=20260305100000000;ST=21;CN=2061;PW=1;MN=A1;Flag=7;CP=&&DataTime=20260305100000&&", hj212.BAD_FLAG),
        ("QN=20260305100000000;ST=xx;CN=2061;PW=1;MN=A1;Flag=5;CP=&&DataTime=20260305100000&&", hj212.BAD_ST),
    ],
)
def test_fields_are_checked(segment, code):
    [error] = StreamDecoder().feed(frame(segment))
    assert isinstance(error, FrameError)
    assert error.code == code


@pytest.mark.parametrize(
    "cp",
    [
        "DataTime=2026030510;w21003-Avg=1,w21003-Flag=N",
        "w21003-Avg=1,w21003-Flag=N",
        "DataTime=20260305100000;w21003-Avg=abc,w21003-Flag=N",
        "DataTime=20260305100000;w21003-Avg=1,w21003-Flag=Q",
        "DataTime=20260305100000;w21003-Avg=nan",
    ],
)
def test_bad_cp_is_refused(cp):
    with pytest.raises(FrameError):
        hj212.parse_cp(cp)


def test_split_packets_are_joined():
    parts = [
        f"QN=20260305100000000;ST=21;CN=2061;PW=1;MN=A1;Flag=7;PNUM=2;PNO={number};"
        f"CP=&&DataTime=20260305100000;{factor}&&"
        for number, factor in ((1, "w21003-Avg=1.2,w21003-Flag=N"), (2, "w01009-Avg=4,w01009-Flag=N"))
    ]
    decoder, assembler = StreamDecoder(), hj212.Assembler()
    [second] = decoder.feed(frame(parts[1]))
    assert assembler.add(second) is None
    [first] = decoder.feed(frame(parts[0]))
    joined = assembler.add(first)
    assert not joined.is_split
    assert joined.wants_answer
    assert set(hj212.parse_cp(joined.cp).factors) == {"w21003", "w01009"}


def test_answers_echo_the_qn_and_are_framed():
    [packet] = StreamDecoder().feed(frame(hourly()))
    [answer] = StreamDecoder().feed(hj212.data_answer(packet))
    assert (answer.cn, answer.st, answer.qn, answer.mn) == ("9014", "91", packet.qn, "LW0001")
    [refusal] = StreamDecoder().feed(hj212.refusal({"QN": packet.qn, "MN": "LW0001", "PW": "x;y"}, hj212.BAD_PASSWORD))
    assert refusal.cn == "9011"
    assert refusal.cp == "QnRtn=3"
    assert refusal.pw == "xy"


def test_frame_refuses_an_oversized_segment():
    with pytest.raises(ValueError, match="at most"):
        frame("x" * 10000)


@pytest.mark.parametrize(
    "text", ["20261301000000", "20260230000000", "20260305250000", "2026030510000", "２０２６0305100000"]
)
def test_impossible_data_times_are_refused(text):
    with pytest.raises(ValueError):  # noqa: PT011 - the datetime's own messages vary
        hj212.parse_time(text)
