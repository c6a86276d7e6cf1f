"""Demo content for a new user: `manage.py seed_demo`. Safe to run any number of times.

The portal seeds its pages and the site admin and coordinator accounts; every other app that has a
`demo` module with a `seed(command)` function adds its own part, in INSTALLED_APPS order, so the
portal imports no domain app.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create (or update) the demo pages and one account per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Apply migrations first, in the same process (`make run` saves a start-up this way).",
        )

    def handle(self, *args, **options):
        if options["migrate"]:
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)
        self.demo_passwords: dict[str, str] = {}
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self)
            self.stdout.write(f"Seeded {config.label}.")
        from django.conf import settings

        if settings.DEBUG and self.demo_passwords:
            self.stdout.write(self.style.SUCCESS("Demo accounts (only shown with DEBUG on):"))
            for email, password in self.demo_passwords.items():
                self.stdout.write(f"  {email:40} {password}")
