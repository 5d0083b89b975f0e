"""Map layers of the registry, built from rows a view has already loaded."""

from wushui.choices import Tier
from wushui.maps import feature, feature_collection


def segment_features(segments):
    """Segments coloured by their water body's tier; popups list ``segment.current_chiefs`` when a
    view loaded them (see ``rivers.selectors.segments_with_current_chiefs``)."""
    return feature_collection(
        feature(
            segment.geometry,
            name=f"{segment.water_body.name} · {segment.name}",
            url=segment.get_absolute_url(),
            colour=Tier.colour(segment.water_body.responsible_tier),
            chiefs=[
                f"{Tier.label(a.tier)}: {a.chief} {a.public_phone}" for a in getattr(segment, "current_chiefs", ())
            ],
        )
        for segment in segments
    )


def _current_chiefs(segment):
    return getattr(segment, "current_chiefs", ())
