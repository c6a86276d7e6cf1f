"""The meetings' part of the anonymous page cache (portal/caching.py): the public pages it may store (the
meeting list, past meetings and a meeting's page) and the rows that make pages stale (all of this app's,
less calendar tokens, which are private). Registered in MeetingsConfig.ready().
"""


def register() -> None:
    from portal import caching

    caching.register_app(
        "meetings",
        views=("meetings:list", "meetings:past", "meetings:detail"),
        ignored_models=("meetings.calendartoken",),
    )
