def record_login(sender, request, user, **kwargs):
    """Every successful log-in (allauth's and the admin's go through Django's `login`) is recorded."""
    from portal.ratelimits import client_ip
    from privacy.services import login_event_record

    ip = client_ip(request) if request is not None else None
    login_event_record(user=user, ip_address=ip)
