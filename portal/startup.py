"""What a web process does once, after Django has loaded and before it answers its first request."""

import gc

YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Import every view module now (not in the first request), move the objects that live as long as
    the process (modules, models, URL patterns, Wagtail's registries) out of the garbage collector's
    reach with `gc.freeze()`, and collect the youngest generation every 10,000 allocations instead of
    every 700. A large page (the consultation edit form: 850 kB, tens of thousands of objects alive
    while it renders) otherwise pushed its own objects into the oldest generation and paid for full
    collections of the whole framework: at scale 1, one request in three of that form was 150 ms slower
    (median of 15: 273 ms, slowest 430 ms; with these settings 253 ms and 292 ms)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads the URLconf and the views it names
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
