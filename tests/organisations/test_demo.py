import pytest

from organisations import demo
from organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


class FakeCommand:
    def __init__(self):
        self.demo_passwords = {}


def test_seed_is_idempotent_and_records_passwords():
    command = FakeCommand()
    demo.seed(command)
    counts = (Organisation.objects.count(), Membership.objects.count())
    demo.seed(FakeCommand())
    assert (Organisation.objects.count(), Membership.objects.count()) == counts
    assert Organisation.objects.approved().listed().count() == 3
    assert Organisation.objects.pending().count() == 1
    assert set(command.demo_passwords) == {"org-admin@example.org", "medlem@example.org"}
    admin = Membership.objects.get(
        user__email="org-admin@example.org", organisation__slug="ungdomsforeningen-bron"
    )
    assert admin.role == "admin" and admin.is_primary_contact
