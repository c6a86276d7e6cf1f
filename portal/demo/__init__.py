"""Demo content of the portal, seeded by `manage.py seed_demo`: the texts in `pages` (and
templates/portal/demo/), the seeding in `seeding`."""

from .seeding import seed

__all__ = ["seed"]
