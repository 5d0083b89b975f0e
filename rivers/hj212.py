"""HJ 212-2017 (污染物在线监控(监测)系统数据传输标准): framing, CRC, parsing and the platform's answers.

Pure: bytes in, packets out, no database and no sockets, so that the TCP listener
(``manage.py hj212_listen``), the HTTP endpoint and the tests share one parser.

A packet is ``##`` + the data segment's length (4 decimal digits) + the data segment + its CRC (4 hex
digits) + ``\\r\\n``. The data segment is ``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;CP=&&…&&``; ``CP`` holds
``DataTime=YYYYMMDDhhmmss;`` and the factors (``w21003-Rtd=1.2,w21003-Flag=N;…``). The CRC is CRC-16
with register 0xFFFF and polynomial 0xA001 over the data segment (``crc16(b"123456789") == 0x2F80``).

:class:`StreamDecoder` takes a connection's bytes as they come, in any pieces: a packet split over
reads, several in one read, garbage between them (skipped up to the next ``##``). What it cannot
frame (a length that is not four digits, a segment that does not end in CRC + CRLF where the length
says, a bad CRC) is reported as a :class:`FrameError` and the decoder resynchronises on the next
``##``.
"""

import contextlib
import datetime
import re
from dataclasses import dataclass, field

HEADER = b"##"
TRAILER = b"\r\n"
LENGTH_DIGITS = 4
CRC_DIGITS = 4
# The longest data segment four digits can announce; a connection holding more unframed bytes than a
# packet can be is dropped to that packet's size.
MAX_SEGMENT = 9999
MAX_PACKET = len(HEADER) + LENGTH_DIGITS + MAX_SEGMENT + CRC_DIGITS + len(TRAILER)

# Commands (CN) this platform takes, and the data each carries.
REALTIME = "2011"
MINUTE = "2051"
HOURLY = "2061"
DAILY = "2031"
DATA_COMMANDS = {REALTIME: "Rtd", MINUTE: "Avg", HOURLY: "Avg", DAILY: "Avg"}
DATA_RESPONSE = "9014"
REQUEST_RESPONSE = "9011"
SYSTEM_INTERACTION = "91"
# System codes (ST) of the stations this platform serves.
SURFACE_WATER = "21"
WATER_POLLUTION_SOURCE = "32"

# Data flags: only N values are measurements fit to classify.
NORMAL = "N"
DATA_FLAGS = {
    "N": "normal",
    "F": "stopped",
    "M": "maintenance",
    "S": "manually set",
    "D": "fault",
    "C": "calibration",
    "T": "above the measuring range",
    "B": "communication error",
}

# Flag bits: V5–V0 (protocol version, 000001 = 2017) D (split) A (answer wanted).
FLAG_ANSWER = 0b01
FLAG_SPLIT = 0b10
VERSION_2017 = 1

# QnRtn of a request answer (9011), the protocol's words for why a packet was refused.
READY = "1"
REFUSED = "2"
BAD_PASSWORD = "3"
BAD_MN = "4"
BAD_ST = "5"
BAD_FLAG = "6"
BAD_QN = "7"
BAD_CN = "8"
BAD_CRC = "9"
UNKNOWN_ERROR = "100"

_QN = re.compile(r"^\d{17}$")
_MN = re.compile(r"^[0-9A-Za-z]{1,24}$")
_FACTOR_KEY = re.compile(r"^([a-z]\d{5})-(Rtd|Avg|Min|Max|Cou|Flag)$")


def crc16_bitwise(data: bytes) -> int:
    """CRC-16 of HJ 212 as the standard writes it: register 0xFFFF; per byte ``register = (register >> 8)
    ^ byte``, then eight shifts right, XOR 0xA001 after each whose low bit was set."""
    register = 0xFFFF
    for byte in data:
        register = (register >> 8) ^ byte
        for _ in range(8):
            if register & 1:
                register = (register >> 1) ^ 0xA001
            else:
                register >>= 1
    return register


def _shifted(value):
    for _ in range(8):
        value = (value >> 1) ^ 0xA001 if value & 1 else value >> 1
    return value


# (register >> 8) ^ byte always fits in a byte, so its eight shifts are one of 256 values, worked out once.
_TABLE = tuple(_shifted(value) for value in range(256))


def crc16(data: bytes) -> int:
    """The same CRC as :func:`crc16_bitwise` (the tests hold them equal), a table lookup per byte: seven
    times as fast, and the listener checks every packet."""
    register = 0xFFFF
    table = _TABLE
    for byte in data:
        register = table[(register >> 8) ^ byte]
    return register


def frame(segment: str) -> bytes:
    """The packet carrying ``segment``: header, length, segment, CRC, CRLF."""
    data = segment.encode("ascii")
    if len(data) > MAX_SEGMENT:
        raise ValueError(f"A data segment holds at most {MAX_SEGMENT} bytes, not {len(data)}")
    return HEADER + b"%04d" % len(data) + data + b"%04X" % crc16(data) + TRAILER


class FrameError(Exception):
    """Bytes that are not a packet (length, CRC, trailer) or a packet this platform cannot read
    (fields); ``code`` is the QnRtn to answer with, ``fields`` whatever could be read of it."""

    def __init__(self, message, code=UNKNOWN_ERROR, fields=None, raw=b""):
        super().__init__(message)
        self.code = code
        self.fields = fields or {}
        self.raw = raw


@dataclass
class Packet:
    """A framed, checked data segment, its fields parsed."""

    qn: str
    st: str
    cn: str
    pw: str
    mn: str
    flag: int
    cp: str
    pnum: int | None = None
    pno: int | None = None
    raw: bytes = b""

    @property
    def wants_answer(self):
        return bool(self.flag & FLAG_ANSWER)

    @property
    def is_split(self):
        return bool(self.flag & FLAG_SPLIT)

    @property
    def is_data(self):
        return self.cn in DATA_COMMANDS


@dataclass
class Reading:
    """What a data packet says: when, and each factor's values and flag."""

    data_time: datetime.datetime  # naive, the station's local time
    factors: dict = field(default_factory=dict)  # code -> {"Rtd"/"Avg"/...: float, "Flag": str}


def split_fields(segment: str):
    """``{name: value}`` of a data segment; ``CP`` is everything between its ``&&`` marks."""
    fields = {}
    head, marker, rest = segment.partition("CP=&&")
    if marker:
        cp, end, tail = rest.rpartition("&&")
        if not end:
            raise FrameError("CP does not end with &&", fields=fields)
        fields["CP"] = cp
        if tail.strip(";"):
            raise FrameError("Text after CP", fields=fields)
    for part in head.split(";"):
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals:
            raise FrameError(f"A field without '=': {part[:40]!r}", fields=fields)
        fields[name] = value
    return fields


def parse_segment(segment: str, raw=b"") -> Packet:
    """A data segment's fields, checked: QN a 17-digit time, ST and CN numbers, MN 1–24 letters or
    digits, Flag a number with the 2017 version; a split packet with PNUM and PNO."""
    fields = split_fields(segment)
    for name in ("ST", "CN", "MN", "Flag"):
        if name not in fields:
            raise FrameError(f"{name} is missing", code=_code_for(name), fields=fields)
    qn = fields.get("QN", "")
    if qn and not _QN.match(qn):
        raise FrameError("QN must be a time of 17 digits (YYYYMMDDhhmmsszzz)", code=BAD_QN, fields=fields)
    if not _MN.match(fields["MN"]):
        raise FrameError("MN must be 1–24 letters or digits", code=BAD_MN, fields=fields)
    if not fields["ST"].isdigit():
        raise FrameError("ST must be a number", code=BAD_ST, fields=fields)
    if not fields["CN"].isdigit():
        raise FrameError("CN must be a number", code=BAD_CN, fields=fields)
    if not fields["Flag"].isdigit() or int(fields["Flag"]) > 255:
        raise FrameError("Flag must be a number of one byte", code=BAD_FLAG, fields=fields)
    flag = int(fields["Flag"])
    if flag >> 2 != VERSION_2017:
        raise FrameError("Flag does not announce HJ 212-2017 (version 000001)", code=BAD_FLAG, fields=fields)
    pnum = pno = None
    if flag & FLAG_SPLIT:
        try:
            pnum, pno = int(fields["PNUM"]), int(fields["PNO"])
        except (KeyError, ValueError):
            raise FrameError("A split packet needs PNUM and PNO", code=BAD_FLAG, fields=fields) from None
        if not 1 <= pno <= pnum <= 9999:
            raise FrameError("PNO must lie within 1 to PNUM", code=BAD_FLAG, fields=fields)
    return Packet(
        qn=qn,
        st=fields["ST"],
        cn=fields["CN"],
        pw=fields.get("PW", ""),
        mn=fields["MN"],
        flag=flag,
        cp=fields.get("CP", ""),
        pnum=pnum,
        pno=pno,
        raw=raw,
    )


def _code_for(name):
    return {"ST": BAD_ST, "CN": BAD_CN, "MN": BAD_MN, "Flag": BAD_FLAG, "QN": BAD_QN}.get(name, UNKNOWN_ERROR)


def parse_time(text):
    """``YYYYMMDDhhmmss`` as a naive datetime; ``ValueError`` for anything else."""
    if len(text) != 14 or not text.isdigit() or not text.isascii():
        raise ValueError("DataTime must be 14 digits (YYYYMMDDhhmmss)")
    # Sliced rather than strptime'd: a third of a packet's parsing time went there.
    return datetime.datetime(
        int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:14])
    )


def parse_cp(cp: str) -> Reading:
    """The readings of a data packet's CP: ``DataTime`` and each factor's values and flag. A value that
    is not a number or a flag that is not one letter of the standard's is a ``FrameError``."""
    data_time = None
    factors = {}
    for group in cp.split(";"):
        if not group:
            continue
        for item in group.split(","):
            name, equals, value = item.partition("=")
            if not equals:
                raise FrameError(f"CP item without '=': {item[:40]!r}")
            if name == "DataTime":
                try:
                    data_time = parse_time(value)
                except ValueError as error:
                    raise FrameError(str(error)) from None
                continue
            match = _FACTOR_KEY.match(name)
            if not match:
                continue  # fields of other commands (e.g. SampleTime) or vendor extensions: not ours
            code, kind = match.groups()
            entry = factors.setdefault(code, {})
            if kind == "Flag":
                if value not in DATA_FLAGS:
                    raise FrameError(f"{code}: unknown data flag {value!r}")
                entry["Flag"] = value
            else:
                try:
                    number = float(value)
                except ValueError:
                    raise FrameError(f"{code}-{kind}: {value!r} is not a number") from None
                if number != number or number in (float("inf"), float("-inf")):
                    raise FrameError(f"{code}-{kind}: not a finite number")
                entry[kind] = number
    if data_time is None:
        raise FrameError("CP has no DataTime")
    return Reading(data_time, factors)


class StreamDecoder:
    """Packets out of a byte stream, whatever pieces it comes in.

    ``feed(data)`` returns a list of :class:`Packet` and :class:`FrameError` in the order they came;
    bytes before a ``##`` are garbage and skipped (``skipped`` counts them); an incomplete packet
    waits for the next ``feed``."""

    def __init__(self):
        self.buffer = bytearray()
        self.skipped = 0

    def feed(self, data: bytes):
        self.buffer += data
        out = []
        while True:
            start = self.buffer.find(HEADER)
            if start < 0:
                # Keep a trailing '#' that may begin the next header.
                keep = 1 if self.buffer.endswith(b"#") else 0
                self.skipped += len(self.buffer) - keep
                del self.buffer[: len(self.buffer) - keep]
                return out
            if start:
                self.skipped += start
                del self.buffer[:start]
            if len(self.buffer) < len(HEADER) + LENGTH_DIGITS:
                return out
            digits = bytes(self.buffer[2 : 2 + LENGTH_DIGITS])
            if digits.startswith(b"#"):
                # '###': the header starts one byte later; the first '#' was garbage.
                self.skipped += 1
                del self.buffer[:1]
                continue
            if not digits.isdigit():
                out.append(FrameError("The length is not four digits", raw=bytes(self.buffer[:6])))
                del self.buffer[:2]  # resynchronise on the next '##'
                continue
            length = int(digits)
            end = len(HEADER) + LENGTH_DIGITS + length + CRC_DIGITS + len(TRAILER)
            if len(self.buffer) < end:
                # Not all here yet; unless a new header shows the length was wrong.
                later = self.buffer.find(HEADER, len(HEADER) + LENGTH_DIGITS)
                if later >= 0 and self.buffer.find(TRAILER, 0, later) >= 0:
                    out.append(FrameError("The length does not match the data segment", raw=bytes(self.buffer[:later])))
                    del self.buffer[:later]
                    continue
                return out
            packet = bytes(self.buffer[:end])
            body = packet[6 : 6 + length]
            crc_text = packet[6 + length : 6 + length + CRC_DIGITS]
            if packet[end - 2 : end] != TRAILER:
                # The length points somewhere else than the CRC and CRLF: resynchronise.
                out.append(FrameError("The length does not match the data segment", raw=packet))
                del self.buffer[:2]
                continue
            del self.buffer[:end]
            out.append(self._checked(body, crc_text, packet))

    @staticmethod
    def _checked(body, crc_text, packet):
        try:
            text = body.decode("ascii")
        except UnicodeDecodeError:
            return FrameError("The data segment is not ASCII", raw=packet)
        try:
            expected = int(crc_text.decode("ascii"), 16)
        except ValueError:
            expected = None
        if expected is None or expected != crc16(body):
            fields = {}
            with contextlib.suppress(FrameError):
                fields = split_fields(text)
            return FrameError("Bad CRC", code=BAD_CRC, fields=fields, raw=packet)
        try:
            return parse_segment(text, raw=packet)
        except FrameError as error:
            error.raw = packet
            return error


# --- Answers --------------------------------------------------------------------------------------------


def data_answer(packet: Packet) -> bytes:
    """The platform's data response (CN 9014) to a data packet that asked for one: its QN echoed."""
    return frame(
        f"QN={packet.qn};ST={SYSTEM_INTERACTION};CN={DATA_RESPONSE};PW={packet.pw};MN={packet.mn};Flag=4;CP=&&&&"
    )


_LOOSE_FIELD = re.compile(rb"(QN|MN|PW)=([0-9A-Za-z]{1,32})")


def loose_fields(raw: bytes) -> dict:
    """QN, MN and PW as far as they can be read from bytes that did not frame: for the answer only."""
    fields = {}
    for name, value in _LOOSE_FIELD.findall(raw[:MAX_PACKET]):
        fields.setdefault(name.decode(), value.decode())
    return fields


def refusal(fields: dict, code: str, raw: bytes = b"") -> bytes:
    """A request answer (CN 9011) with ``QnRtn`` saying why a packet was refused, echoing what could be
    read of it (QN, PW, MN; from ``raw`` when the fields could not be parsed)."""
    fields = fields or loose_fields(raw)
    qn = fields.get("QN", "")
    qn = qn if _QN.match(qn or "") else ""
    mn = fields.get("MN", "")
    mn = mn if _MN.match(mn or "") else ""
    pw = re.sub(r"[^0-9A-Za-z]", "", fields.get("PW", ""))[:32]
    return frame(f"QN={qn};ST={SYSTEM_INTERACTION};CN={REQUEST_RESPONSE};PW={pw};MN={mn};Flag=4;CP=&&QnRtn={code}&&")


def qn_of(moment: datetime.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"


def data_segment(*, mn, pw, cn, data_time, factors, qn=None, st=SURFACE_WATER, flag=5, extra=""):
    """A data packet's segment, for stations' simulators, tests and benchmarks: ``factors`` maps a
    factor code to ``(value, flag)``."""
    kind = DATA_COMMANDS[cn]
    items = ";".join(f"{code}-{kind}={value},{code}-Flag={data_flag}" for code, (value, data_flag) in factors.items())
    qn = qn or qn_of(data_time)
    return (
        f"QN={qn};ST={st};CN={cn};PW={pw};MN={mn};Flag={flag};{extra}CP=&&DataTime={data_time:%Y%m%d%H%M%S};{items}&&"
    )


class Assembler:
    """Joins the parts of split packets (Flag D, PNUM/PNO) of one connection into one packet; a packet
    that is not split passes straight through. At most ``max_open`` packets wait for their parts; the
    oldest is dropped beyond that."""

    def __init__(self, max_open=64):
        self.parts = {}
        self.max_open = max_open

    def add(self, packet: Packet):
        if not packet.is_split:
            return packet
        key = (packet.mn, packet.qn, packet.cn, packet.pnum)
        parts = self.parts.setdefault(key, {})
        parts[packet.pno] = packet
        if len(self.parts) > self.max_open:
            self.parts.pop(next(iter(self.parts)))
        if len(parts) < packet.pnum:
            return None
        del self.parts[key]
        ordered = [parts[number] for number in sorted(parts)]
        first = ordered[0]
        cp = ";".join(part.cp.strip(";") for part in ordered if part.cp)
        return Packet(
            qn=first.qn,
            st=first.st,
            cn=first.cn,
            pw=first.pw,
            mn=first.mn,
            flag=first.flag & ~FLAG_SPLIT,
            cp=cp,
            raw=b"".join(part.raw for part in ordered),
        )
