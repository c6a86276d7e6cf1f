"""The organisations' part of the anonymous page cache (portal/caching.py): the public pages it may store
(the directory and an organisation's page) and the rows that make pages stale (all of this app's, less
invitations and join requests, which no public page shows). Registered in OrganisationsConfig.ready().
"""


def register() -> None:
    from portal import caching

    caching.register_app(
        "organisations",
        views=("organisations:directory", "organisations:detail"),
        ignored_models=("organisations.invitation", "organisations.joinrequest"),
    )
