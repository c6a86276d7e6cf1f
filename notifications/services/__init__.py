"""Every state change of the notifications app, by concern:

- `preferences`: how often each user hears about each event type, and unsubscribing;
- `events`: raising an event (`notify`) and expanding a deferred one;
- `contacts`: copies to organisations' contact addresses;
- `addresses`: e-mails to plain addresses (invitations, notices to configured addresses);
- `queueing`: handing rows to the broker after commit;
- `smtp`: the claim taken at the moment a mail is committed, and the parallel SMTP sender;
- `delivery`: the sending loop, the sweeper and the suppression list;
- `digests`: daily and weekly digests;
- `inbox`: marking read and the retention purge.

The names below are the package's interface; import them from `notifications.services`.
"""

from .addresses import address_email_send
from .common import CLAIM_EXPIRES_MINUTES, PUBLISH_RETRY_POLICY, SendOutcome, retry_delay
from .contacts import ContactRecipient, organisation_contact_set, organisation_contact_unsubscribe
from .delivery import deliveries_send, delivery_send, requeue_stale, send_chunk_size, suppression_add
from .digests import digest_period, digest_runs_create, digest_send
from .events import NotifyResult, inline_limit, notify, outbox_expand
from .inbox import notification_mark_read, notifications_mark_all_read, notifications_purge_read
from .preferences import effective_frequency, preference_set, preferences_for, unsubscribe
from .queueing import enqueue_deliveries, enqueue_digest_runs, enqueue_outbox
from .smtp import ParallelSender, send_claimed

__all__ = [
    "address_email_send",
    "CLAIM_EXPIRES_MINUTES",
    "PUBLISH_RETRY_POLICY",
    "ContactRecipient",
    "NotifyResult",
    "ParallelSender",
    "SendOutcome",
    "deliveries_send",
    "delivery_send",
    "digest_period",
    "digest_runs_create",
    "digest_send",
    "effective_frequency",
    "enqueue_deliveries",
    "enqueue_digest_runs",
    "enqueue_outbox",
    "inline_limit",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notifications_purge_read",
    "notify",
    "organisation_contact_set",
    "organisation_contact_unsubscribe",
    "outbox_expand",
    "preference_set",
    "preferences_for",
    "requeue_stale",
    "retry_delay",
    "send_chunk_size",
    "send_claimed",
    "suppression_add",
    "unsubscribe",
]
