"""Two-factor authentication for everyone who can publish: coordinators, staff, site admins and anyone
else who may open Wagtail's admin (an "Editor", say) must have a TOTP authenticator (allauth.mfa) before
any coordinator screen or admin page opens.

`coordinator_required` guards the domain apps' coordinator views; `portal.middleware.TwoFactorAdminMiddleware`
guards the Wagtail admin.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def user_has_totp(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_has_totp_cache", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_totp_cache = cached
    return cached


def can_access_admin(user) -> bool:
    """Wagtail's own test for entering its admin: the permission that the Editors and Moderators groups
    (and any group a site admin makes) carry, and every superuser has."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("wagtailadmin.access_admin"))


def requires_two_factor(user) -> bool:
    """Whether this user holds a role that may only be used with two-factor authentication: anyone who can
    publish or change what others see."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser or user.is_staff or getattr(user, "is_coordinator", False) or can_access_admin(user)
    )


def redirect_to_totp_setup(request, *, admin: bool = False):
    if admin:
        message = _(
            "The editing pages need two-factor authentication, because what you publish there reaches "
            "everyone. Set up an authenticator app to continue."
        )
    else:
        message = _(
            "Coordinator pages need two-factor authentication. Set up an authenticator app to continue."
        )
    messages.warning(request, message)
    return redirect("mfa_activate_totp")


def coordinator_required(view):
    """Anonymous → log in; not a coordinator → 403; coordinator without TOTP → set it up first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_coordinator:
            raise PermissionDenied
        if not user_has_totp(user):
            return redirect_to_totp_setup(request)
        return view(request, *args, **kwargs)

    return wrapper
