"""State changes behind people's privacy rights: consent, data export, account erasure and retention.

Every function here is safe to call again with the same arguments: a second call finds the work done
and changes nothing (the tasks and the beat schedule rely on it).
"""

from portal.ratelimits import truncate_ip

from .consent import (
    consent_record,
    consent_record_for_emails,
    current_terms_version,
    has_current_consent,
    login_event_record,
)
from .erasure import (
    Blocker,
    ErasureBlocked,
    _portal_erase,
    account_erase,
    deletion_blockers,
    personal_strings,
    tombstone_email,
)
from .exports import export_build, export_delete, export_request, export_send_ready
from .retention import (
    apply_retention,
    delete_expired_exports,
    erase_inactive_accounts,
    inactivity_warning_send,
    prune_logs,
    remove_unverified_accounts,
    warn_inactive_accounts,
)

__all__ = [
    "Blocker",
    "ErasureBlocked",
    "_portal_erase",
    "account_erase",
    "apply_retention",
    "consent_record",
    "consent_record_for_emails",
    "current_terms_version",
    "delete_expired_exports",
    "deletion_blockers",
    "erase_inactive_accounts",
    "export_build",
    "export_delete",
    "export_request",
    "export_send_ready",
    "has_current_consent",
    "inactivity_warning_send",
    "login_event_record",
    "personal_strings",
    "prune_logs",
    "remove_unverified_accounts",
    "tombstone_email",
    "truncate_ip",
    "warn_inactive_accounts",
]
