"""Demo content of the privacy app: the demo people have accepted the current privacy terms, so the demo
opens on the portal itself rather than on the consent page. Called by `manage.py seed_demo` after every
app that adds demo people (privacy comes last of the portal's apps in INSTALLED_APPS); idempotent."""


def seed(command):
    from privacy.services import consent_record_for_emails

    consent_record_for_emails(emails=list(command.demo_passwords))
