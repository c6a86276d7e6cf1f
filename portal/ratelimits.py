"""Rate limits that protect without locking people out.

- `client_ip`: the client's address, read through the configured number of trusted proxies
  (`ALLAUTH_TRUSTED_PROXY_COUNT`, or the one header `ALLAUTH_TRUSTED_CLIENT_IP_HEADER` names). allauth uses
  it through the account adapter, and the portal's own limits below use it too, so every limit keys on
  the real client and not on the proxy that every request comes through. `truncate_ip`: the network an
  address belongs to, which the log-in records keep instead of the address.
- `consume`: the portal's own per-address limits (`PORTAL_RATE_LIMITS`: the contact form, organisation
  registration), on allauth's rate-limit implementation.
- Per-account log-in limits that slow down instead of locking: after `PORTAL_LOGIN_FREE_FAILURES` wrong
  passwords for one account, each further attempt from an unknown device waits a cooling period that
  doubles with every failure (at most `PORTAL_LOGIN_MAX_DELAY_SECONDS`). The owner is not held up on a
  device they have logged in from before (a signed cookie set at each log-in) or from the network they
  usually log in from (their recent log-in records); the per-address limits still apply there. A flood of
  wrong passwords thus slows the attacker's address and unknown devices, never the owner at home.
"""

import hashlib
import ipaddress
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

KNOWN_DEVICE_COOKIE = "portal_device"
_KNOWN_DEVICE_SALT = "portal.ratelimits.known-device"
_KNOWN_DEVICE_MAX_ACCOUNTS = 5


def _clean_ip(value) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address. With `ALLAUTH_TRUSTED_CLIENT_IP_HEADER` set, that header (which the proxy
    must overwrite); else with `ALLAUTH_TRUSTED_PROXY_COUNT` = n > 0, the n-th address from the right of
    X-Forwarded-For (what the outermost trusted proxy saw; anything further left the client may have
    written itself); else REMOTE_ADDR."""
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        ip = _clean_ip(request.headers.get(header))
    else:
        ip = None
        count = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0
        forwarded = request.headers.get("x-forwarded-for")
        if count > 0 and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            # Fewer hops than trusted proxies: the request did not come through all of them; the
            # leftmost is the best guess, and never lets the client choose a bucket for someone else.
            ip = _clean_ip(hops[-count] if len(hops) >= count else hops[0]) if hops else None
    return ip or _clean_ip(request.META.get("REMOTE_ADDR")) or "0.0.0.0"


def truncate_ip(address: str | None) -> str:
    """The network an address belongs to (IPv4 /24, IPv6 /48): enough to see where log-ins come from,
    not enough to point at one connection."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def consume(request, action: str, *, key: str | None = None) -> bool:
    """Counts one use of `action` (a key of PORTAL_RATE_LIMITS, e.g. "contact": "5/10m/ip"); False when
    the limit is reached. GET requests are counted too, so call it only for what should count."""
    from allauth.core.internal import ratelimit

    usage = ratelimit.consume(
        request, app="portal", action=action, config=settings.PORTAL_RATE_LIMITS, key=key, limit_get=True
    )
    return usage is not None


# --- known devices -------------------------------------------------------------------------------


def known_device_accounts(request) -> list[int]:
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return []
    try:
        accounts = signing.loads(value, salt=_KNOWN_DEVICE_SALT, max_age=timedelta(days=365))
    except signing.BadSignature:
        return []
    return [pk for pk in accounts if isinstance(pk, int)] if isinstance(accounts, list) else []


def remember_device(request, response, user) -> None:
    """After a complete log-in (password and, where required, two-factor): this browser is one of the
    owner's devices. Several accounts may share a browser; the newest few are kept."""
    accounts = [pk for pk in known_device_accounts(request) if pk != user.pk]
    accounts = [user.pk, *accounts][:_KNOWN_DEVICE_MAX_ACCOUNTS]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(accounts, salt=_KNOWN_DEVICE_SALT),
        max_age=365 * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_owners_usual_place(request, user) -> bool:
    """A device the owner has logged in from, or the network of one of their recent log-ins."""
    if user is None:
        return False
    if user.pk in known_device_accounts(request):
        return True
    network = truncate_ip(client_ip(request))
    since = timezone.now() - timedelta(days=settings.PORTAL_LOGIN_USUAL_NETWORK_DAYS)
    return bool(network) and user.login_events.filter(network=network, created__gte=since).exists()


# --- per-account slow-down -----------------------------------------------------------------------


def _account_key(account: str) -> str:
    return "portal:login-account:" + hashlib.sha256(account.strip().lower().encode()).hexdigest()


def _delay_for(failures: int) -> int:
    extra = failures - settings.PORTAL_LOGIN_FREE_FAILURES
    if extra < 0:
        return 0
    return min(settings.PORTAL_LOGIN_BASE_DELAY_SECONDS * 2**extra, settings.PORTAL_LOGIN_MAX_DELAY_SECONDS)


def account_wait_seconds(account: str, now: float | None = None) -> int:
    """Seconds until the next attempt at this account may be tried from an unknown device (0: now)."""
    state = cache.get(_account_key(account))
    if not state:
        return 0
    remaining = state["last"] + _delay_for(state["failures"]) - (now or time.time())
    return max(0, int(remaining + 0.999))


def account_failed(account: str, now: float | None = None) -> None:
    key = _account_key(account)
    state = cache.get(key) or {"failures": 0, "last": 0.0}
    state = {"failures": state["failures"] + 1, "last": now or time.time()}
    # The count fades an hour after the last failure (and never outlives its longest delay).
    cache.set(key, state, timeout=max(3600, settings.PORTAL_LOGIN_MAX_DELAY_SECONDS * 2))


def account_succeeded(account: str) -> None:
    cache.delete(_account_key(account))
