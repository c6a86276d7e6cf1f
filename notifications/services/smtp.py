"""Claiming a delivery at the moment its mail is committed, over one SMTP connection or several."""

from __future__ import annotations

import os
import queue
import re
import smtplib
import socket
import threading
from functools import partial

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.utils import timezone

from notifications.models import Delivery

from .common import _permanent_errors, _transient_errors


def _claim_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _claimer(pk: int):
    """The claim of one pending delivery: a conditional update pending → sending, so that exactly
    one run sends it, however many runs there are, at once or later. Returns a callable
    `claim(then=None)` that answers whether this run got it.

    `then` (over SMTP: writing the final dot that commits the mail server to deliver) runs inside
    the claim's transaction, after the row is claimed and before the claim is committed. A sender
    killed before `then` has written leaves the transaction uncommitted: PostgreSQL rolls it back
    and the row stays pending, while the mail server, which never saw the dot, discards its copy;
    the next run sends it. Only a kill in the microseconds between the dot's write and the
    COMMIT's write can leave a message delivered and its row pending (sent again): nothing is
    lost, and a duplicate needs a kill inside that gap."""

    def claim(then=None) -> bool:
        with transaction.atomic():
            got = bool(
                Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING).update(
                    status=Delivery.Status.SENDING, claimed_at=timezone.now(), claimed_by=_claim_token()
                )
            )
            if got and then is not None:
                then()
        return got

    return claim


def _drop_smtp(backend) -> None:
    """Closes an SMTP connection without QUIT: in the middle of DATA, the server then discards the
    message instead of delivering it."""
    try:
        backend.connection.close()
    except Exception:  # already broken
        pass
    backend.connection = None


def _smtp_send(backend, email_message, claim) -> bool:
    """Django's `EmailBackend._send` with the claim taken at the last possible moment: the envelope
    and the whole message are transmitted first, then `claim()` runs, and the final
    "<CRLF>.<CRLF>" that commits the server to deliver is written inside the claim's transaction,
    before it commits (see `_claimer`). A run that loses the claim drops the connection, so the
    server discards its copy. A worker killed before the dot is written leaves the row pending
    (its claim is rolled back; the next run sends it); once the dot is written, the kernel still
    sends it and the COMMIT written right after it, also when the process is killed."""
    smtp = backend.connection
    encoding = email_message.encoding or settings.DEFAULT_CHARSET
    from_email = sanitize_address(email_message.from_email, encoding)
    recipients = [sanitize_address(addr, encoding) for addr in email_message.recipients()]
    data = email_message.message().as_bytes(linesep="\r\n")
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, response = smtp.mail(from_email, options)
    if code != 250:
        _drop_smtp(backend) if code == 421 else smtp.rset()
        raise smtplib.SMTPSenderRefused(code, response, from_email)
    refused = {}
    for recipient in recipients:
        code, response = smtp.rcpt(recipient, [])
        if code not in (250, 251):
            refused[recipient] = (code, response)
            if code == 421:
                _drop_smtp(backend)
                raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    smtp.putcmd("data")
    code, response = smtp.getreply()
    if code != 354:
        _drop_smtp(backend) if code == 421 else smtp.rset()
        raise smtplib.SMTPDataError(code, response)
    try:
        body = re.sub(rb"(?m)^\.", b"..", data)
        if body[-2:] != b"\r\n":
            body += b"\r\n"
        smtp.send(body)
        if not claim(partial(smtp.send, b".\r\n")):
            _drop_smtp(backend)
            return False
    except BaseException:
        _drop_smtp(backend)
        raise
    code, response = smtp.getreply()
    if code != 250:
        if code == 421:
            _drop_smtp(backend)
        raise smtplib.SMTPDataError(code, response)
    return True


def send_claimed(message, claim) -> bool:
    """Sends one message if `claim()` succeeds; False (nothing sent) when another run has it.

    Over SMTP the claim is taken just before the server is committed (see `_smtp_send`); with
    another backend (an e-mail provider's API, the console, files) just before handing it over, so
    a worker killed during that call leaves a claimed message that may or may not have gone.
    """
    from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

    backend = message.get_connection()
    if not isinstance(backend, SMTPBackend) or not message.recipients():
        if not claim():
            return False
        message.send()
        return True
    with backend._lock:
        opened = backend.open()
        try:
            return _smtp_send(backend, message, claim)
        finally:
            if opened:
                backend.close()


class ParallelSender:
    """Sends messages over several SMTP connections at once, one per thread.

    Sending is mostly waiting for the mail server (four round trips per message); a few
    connections in parallel hide that wait, while rendering and every database write (the claims
    too: a thread asks the calling thread for its claim and waits for the answer) stay in the
    calling thread. The threads touch no database connection.
    """

    def __init__(self, size: int):
        from concurrent.futures import ThreadPoolExecutor

        self.size = size
        self._local = threading.local()
        self._connections: list = []
        self._lock = threading.Lock()
        self._claims: queue.Queue = queue.Queue()
        # Once the mail server fails, the other messages fail at once instead of each waiting for
        # its own timeout.
        self._broken: BaseException | None = None
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="notifications-smtp")

    def _claim_from_caller(self, claim):
        # `then` (the final dot) is run by the calling thread inside the claim's transaction, on
        # this thread's SMTP socket, while this thread waits: see `_claimer`.
        def ask(then=None) -> bool:
            reply: dict = {"done": threading.Event()}
            self._claims.put((partial(claim, then), reply))
            reply["done"].wait()
            if "error" in reply:
                raise reply["error"]
            return reply["value"]

        return ask

    def _send(self, message, claim) -> bool:
        from django.core.mail import get_connection

        if self._broken is not None:
            raise self._broken
        try:
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = get_connection()
                with self._lock:
                    self._connections.append(connection)
                connection.open()
                self._local.connection = connection
            message.connection = connection
            return send_claimed(message, claim)
        except _transient_errors() as exc:
            if not isinstance(exc, _permanent_errors()):
                self._broken = exc
            raise

    def send_all(self, items: list) -> list:
        """Sends (message, claim) pairs; returns per message True (sent), False (claimed by another
        run, not sent) or the exception."""
        futures = [
            self._executor.submit(self._send, message, self._claim_from_caller(claim))
            for message, claim in items
        ]
        waiting = set(futures)
        while waiting:
            try:
                claim, reply = self._claims.get(timeout=0.02)
            except queue.Empty:
                waiting = {future for future in waiting if not future.done()}
                continue
            try:
                reply["value"] = claim()
            except Exception as exc:
                reply["error"] = exc
            finally:
                reply["done"].set()
        results: list = []
        for future in futures:
            try:
                results.append(future.result())
            except Exception as exc:
                results.append(exc)
        return results

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        for connection in self._connections:
            try:
                connection.close()
            except Exception:  # a broken connection has nothing left to close
                pass
