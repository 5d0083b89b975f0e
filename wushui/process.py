"""What a serving process does once it has loaded the portal, before its first request."""

import gc

from django.urls import get_resolver


def settle():
    """Import every view now (the URLconf), then freeze what is loaded.

    What a process loads at start (modules, models, the URLconf, settings) lives as long as the process.
    Left to the garbage collector, every full collection walks those hundreds of thousands of objects
    again: about a tenth of a second at this size, stalling whichever request it falls in. Frozen
    (``gc.freeze``), they are out of its sight, and a full collection costs what the requests made.
    """
    get_resolver().url_patterns  # noqa: B018 - resolved for its side effect: every view module imported
    gc.collect()  # the garbage of loading goes first; only what lives on is frozen
    gc.freeze()
