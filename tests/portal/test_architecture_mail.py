"""Every e-mail leaves through the notifications app, so that the outbox, the unique keys, the suppression
list, the retries and the unsubscribe rules apply to all of them. This test reads the source of every app
(each top-level package with an `apps.py`, migrations left out) and fails on a module outside
`notifications/` that sends mail itself: a call of `send_mail`, `send_mass_mail`, `mail_admins`,
`mail_managers` or `get_connection` from `django.core.mail`, `.send()` on an `EmailMessage` or
`EmailMultiAlternatives` it builds, `send_messages()` on a backend, or an import of an e-mail backend.

Not flagged, because they are not the portal's code sending mail: allauth sends its own account
e-mails (the portal's adapter only adds an HTML part to the message allauth renders), Django sends its
error e-mails through the logging configuration, and `transaction.get_connection()` is the database's.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIL_MODULE = "django.core.mail"
SENDING_FUNCTIONS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "get_connection"}
MESSAGE_CLASSES = {"EmailMessage", "EmailMultiAlternatives"}

# Senders that still build and send their own message, each to be turned into a delivery to a plain
# address (notifications.services.address_email_send) like the organisation e-mails. They live in
# `portal`, the ground floor, which may not import `notifications` (an app above it). Keep this list
# short: an entry that no longer sends fails the test, so it is removed when its sender is routed.
NOT_YET_ROUTED = {
    # The "your export is ready" and "your account will be erased" e-mails of the privacy app, which
    # stands below notifications (ARCHITECTURE.md) and may not import it: routed once notifications
    # offers the lower floors a hook to hand it a message.
    ("privacy/services/exports.py", "export_send_ready"),
    ("privacy/services/retention.py", "inactivity_warning_send"),
    # The contact form's e-mail to the coordinators (one message to all of them, the page's sender and
    # the writer's reply-to): routed when the contact form's sending moves out of portal/ or
    # notifications offers portal a hook to hand it a message.
    ("portal/tasks.py", "send_contact_form_email"),
}


@dataclass(frozen=True)
class Finding:
    path: str
    function: str
    line: int
    what: str


def _app_packages() -> list[Path]:
    return sorted(path.parent for path in ROOT.glob("*/apps.py") if path.parent.name != "notifications")


def _modules(package: Path):
    for path in sorted(package.rglob("*.py")):
        if "migrations" not in path.relative_to(package).parts:
            yield path


class _MailCalls(ast.NodeVisitor):
    """Finds the ways a module could send mail itself, resolving names through its imports."""

    def __init__(self, path: str):
        self.path = path
        self.functions: dict[str, str] = {}  # local name → django.core.mail function
        self.classes: set[str] = set()  # local names of the message classes
        self.mail_modules: set[str] = set()  # local names bound to django.core.mail
        self.scope: list[str] = []
        self.messages: list[set[str]] = [set()]  # names assigned a message, per function
        self.findings: list[Finding] = []

    def _add(self, node, what: str) -> None:
        function = ".".join(self.scope) or "<module>"
        self.findings.append(Finding(self.path, function.split(".")[-1], node.lineno, what))

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name.startswith(MAIL_MODULE + ".backends"):
                self._add(node, f"import {alias.name}")
            elif alias.name == MAIL_MODULE and alias.asname:
                self.mail_modules.add(alias.asname)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if module.startswith(MAIL_MODULE + ".backends"):
            self._add(node, f"from {module} import ...")
        for alias in node.names:
            local = alias.asname or alias.name
            if module == "django.core" and alias.name == "mail":
                self.mail_modules.add(local)
            elif module.startswith(MAIL_MODULE):
                if alias.name in SENDING_FUNCTIONS:
                    self.functions[local] = alias.name
                elif alias.name in MESSAGE_CLASSES:
                    self.classes.add(local)

    def _function(self, node):
        self.scope.append(node.name)
        self.messages.append(set())
        self.generic_visit(node)
        self.messages.pop()
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def _is_mail_attribute(self, node, names) -> bool:
        """`mail.X` or `django.core.mail.X` with X in `names`."""
        if not isinstance(node, ast.Attribute) or node.attr not in names:
            return False
        return ast.unparse(node.value) in self.mail_modules | {MAIL_MODULE}

    def _builds_message(self, node) -> bool:
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        return (isinstance(func, ast.Name) and func.id in self.classes) or self._is_mail_attribute(
            func, MESSAGE_CLASSES
        )

    def visit_Assign(self, node):
        if self._builds_message(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.messages[-1].add(target.id)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.functions:
            self._add(node, f"{self.functions[func.id]}()")
        elif self._is_mail_attribute(func, SENDING_FUNCTIONS):
            self._add(node, f"{func.attr}()")
        elif isinstance(func, ast.Attribute) and func.attr == "send_messages":
            self._add(node, "send_messages()")
        elif isinstance(func, ast.Attribute) and func.attr == "send":
            receiver = func.value
            if self._builds_message(receiver) or (
                isinstance(receiver, ast.Name) and receiver.id in self.messages[-1]
            ):
                self._add(node, "EmailMessage.send()")
        self.generic_visit(node)


def _findings() -> list[Finding]:
    findings = []
    for package in _app_packages():
        for path in _modules(package):
            visitor = _MailCalls(str(path.relative_to(ROOT)))
            visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            findings += visitor.findings
    return findings


def test_only_the_notifications_app_sends_mail():
    outside = [f for f in _findings() if (f.path, f.function) not in NOT_YET_ROUTED]
    assert outside == [], (
        "These modules send mail themselves; write a delivery through notifications.services instead "
        "(notify() for users, address_email_send() for plain addresses):\n"
        + "\n".join(f"  {f.path}:{f.line} in {f.function}: {f.what}" for f in outside)
    )


def test_the_list_of_senders_not_yet_routed_only_names_senders_that_exist():
    senders = {(f.path, f.function) for f in _findings()}
    assert NOT_YET_ROUTED <= senders, f"Routed now, remove from NOT_YET_ROUTED: {NOT_YET_ROUTED - senders}"


def test_the_scan_sees_each_way_of_sending():
    source = """
from django.core import mail
from django.core.mail import EmailMessage, get_connection, send_mail as sm
from django.core.mail.backends.smtp import EmailBackend
from django.db import transaction


def a():
    sm("s", "b", None, ["x@example.org"])
    mail.mail_admins("s", "b")
    get_connection().send_messages([])
    message = EmailMessage("s", "b", to=["x@example.org"])
    message.send()
    mail.EmailMultiAlternatives("s", "b").send()


def b(page):
    transaction.get_connection()
    page.send_mail(None)
    EmailMessage("s", "b")
"""
    visitor = _MailCalls("example.py")
    visitor.visit(ast.parse(source))
    assert [(f.function, f.what) for f in visitor.findings] == [
        ("<module>", "from django.core.mail.backends.smtp import ..."),
        ("a", "send_mail()"),
        ("a", "mail_admins()"),
        ("a", "send_messages()"),
        ("a", "get_connection()"),
        ("a", "EmailMessage.send()"),
        ("a", "EmailMessage.send()"),
    ]
