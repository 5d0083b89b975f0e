"""HJ 212 data packets into samples: the station by MN and password, the values of each factor with
its flag, classified (N values only), stored once; the answers the protocol asks for. Shared by the
TCP listener (``manage.py hj212_listen``) and the HTTP endpoint; a batch of packets is stored in one
transaction, so that a listener receiving thousands a second makes few round trips."""

import hmac
import logging
from dataclasses import dataclass

from django.utils import timezone

from rivers import gb3838, hj212
from rivers.choices import SampleInterval, SampleSource
from rivers.models import Station
from rivers.samples import FUTURE_SLACK, months_touched, new_sample, store_samples

logger = logging.getLogger("rivers.hj212")

INTERVALS = {hj212.REALTIME: SampleInterval.INSTANT, hj212.HOURLY: SampleInterval.HOUR, hj212.DAILY: SampleInterval.DAY}
SYSTEMS = (hj212.SURFACE_WATER, hj212.WATER_POLLUTION_SOURCE)
STATION_FIELDS = ("pk", "code", "mn", "hj212_password", "target_class", "water_type", "responsible_chief_id")


@dataclass
class Outcome:
    """What became of one packet: stored or refused (``code``, a QnRtn), and the bytes to answer with."""

    packet: object
    stored: bool
    answer: bytes | None = None
    code: str = ""
    message: str = ""
    station_id: int | None = None


def refuse(packet_or_error, code, message):
    fields = (
        packet_or_error.fields
        if isinstance(packet_or_error, hj212.FrameError)
        else {"QN": packet_or_error.qn, "MN": packet_or_error.mn, "PW": packet_or_error.pw}
    )
    logger.warning("HJ 212 packet refused (%s): %s; %r", code, message, getattr(packet_or_error, "raw", b"")[:200])
    raw = getattr(packet_or_error, "raw", b"")
    return Outcome(packet_or_error, False, hj212.refusal(fields, code, raw), code, message)


def reading_sample(packet, station, now):
    """The sample a data packet carries, or a ``FrameError`` naming what is wrong."""
    reading = hj212.parse_cp(packet.cp)
    sampled_at = timezone.make_aware(reading.data_time)
    if sampled_at > now + FUTURE_SLACK:
        raise hj212.FrameError("DataTime lies in the future", code=hj212.REFUSED)
    kind = hj212.DATA_COMMANDS[packet.cn]
    values, flags = {}, {}
    for factor, entry in reading.factors.items():
        indicator = gb3838.BY_HJ212.get(factor)
        if indicator is None or kind not in entry:
            continue  # a factor this platform does not keep
        try:
            values[indicator.code] = gb3838.check_value(indicator.code, entry[kind])
        except gb3838.ImpossibleValue as error:
            raise hj212.FrameError(f"{factor}: {error}", code=hj212.REFUSED) from None
        flags[indicator.code] = entry.get("Flag", hj212.NORMAL)
    if not values:
        raise hj212.FrameError("No factor this platform keeps", code=hj212.REFUSED)
    return new_sample(station, sampled_at, SampleSource.AUTOMATIC, INTERVALS[packet.cn], values, flags)


def ingest(items, stations=None, months=None):
    """Outcomes of ``items`` (packets and frame errors, in order). ``stations``: an MN -> Station cache to
    use, else the stations are read in one query. ``months``: a set the caller summarises later (the
    listener, every few seconds) to which the months touched are added; without it they are
    summarised now."""
    now = timezone.now()
    packets = [item for item in items if isinstance(item, hj212.Packet)]
    if stations is None:
        stations = stations_by_mn({packet.mn for packet in packets})
    outcomes, samples = [], []
    for item in items:
        if isinstance(item, hj212.FrameError):
            outcomes.append(refuse(item, item.code, str(item)))
            continue
        station = stations.get(item.mn)
        if station is None:
            outcomes.append(refuse(item, hj212.BAD_MN, "Unknown MN"))
        elif not hmac.compare_digest(item.pw.encode(), station.hj212_password.encode()):
            outcomes.append(refuse(item, hj212.BAD_PASSWORD, "Wrong password"))
        elif item.st not in SYSTEMS:
            outcomes.append(refuse(item, hj212.BAD_ST, "Not a water station's system code"))
        elif item.cn not in INTERVALS:
            outcomes.append(refuse(item, hj212.BAD_CN, "A command this platform does not take"))
        else:
            try:
                sample = reading_sample(item, station, now)
            except hj212.FrameError as error:
                outcomes.append(refuse(item, error.code, str(error)))
                continue
            samples.append(sample)
            answer = hj212.data_answer(item) if item.wants_answer else None
            outcomes.append(Outcome(item, True, answer, station_id=station.pk))
    if samples:
        result = store_samples(samples, refresh_months=months is None)
        if months is not None:
            months |= months_touched(result.samples)
    return outcomes


def stations_by_mn(mns):
    if not mns:
        return {}
    return {station.mn: station for station in Station.objects.filter(mn__in=mns, is_active=True).only(*STATION_FIELDS)}
