"""Strings of third-party packages whose Swedish translation we correct.

makemessages keeps these msgids in our catalogue, which Django consults before the packages' own.
Nothing imports this module: it exists to be read by makemessages.
"""

from django.utils.translation import gettext_noop

OVERRIDES = [
    # allauth's Swedish says "Already have an account? Then log in." on the log-in page.
    gettext_noop("If you have not created an account yet, then please %(link)ssign up%(end_link)s first."),
]
