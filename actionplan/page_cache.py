"""The action plan's part of the anonymous page cache (portal/caching.py): its rows show on public pages,
so any saved or deleted one makes them stale. Registered in ActionplanConfig.ready().
"""


def register() -> None:
    from portal import caching

    caching.register_app("actionplan")
