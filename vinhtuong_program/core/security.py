"""The site-wide security pieces that Django and its add-ons leave to the project.

- login throttling (django-axes): the client's address resolved as everywhere else, a tolerant backend;
- the Content-Security-Policy, with the one relaxation the admin needs;
- a cap on the size of a request, answered with a Vietnamese 413 page before the body is read;
- the Permissions-Policy and Cross-Origin headers Django does not set itself;
- the Vietnamese CSRF failure page.
"""

from __future__ import annotations

import ipaddress
import math

from axes.backends import AxesStandaloneBackend
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.shortcuts import render

from donations.antispam import client_ip

# Django's admin writes a <style> block on some change lists, django-import-export and simple-history
# style attributes, and import-export's export page has one inline handler. Only the admin gets these.
ADMIN_INLINE_HANDLERS = ("onSelectToggleChange(event)",)
# base64 SHA-256 of each handler above (tests/test_security.py recomputes them from the installed templates).
ADMIN_HANDLER_HASHES = ("'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",)
ADMIN_CSP_UPDATE = {
    "style-src": ["'unsafe-inline'"],
    "script-src": ["'unsafe-hashes'", *ADMIN_HANDLER_HASHES],
}

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def login_client_ip(request) -> str | None:
    """The address axes counts failed logins by: the same one the public forms' rate limits use.

    None when it is no IP address (axes stores it in an IP column, which PostgreSQL checks).
    """
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


# The length of axes' username column (axes.models.AccessBase.username).
LOGIN_USERNAME_MAX_LENGTH = 255


def login_username(request, credentials=None) -> str | None:
    """The user name axes counts failed logins by, cut to the length of the column it is stored in.

    Django's login form lets a longer name through to authenticate(); PostgreSQL then refused
    axes' row and the login page answered 500. No account has such a name, so the cut name still
    counts (and locks) one attacker's attempts.
    """
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(field)
    return username[:LOGIN_USERNAME_MAX_LENGTH] if isinstance(username, str) else username


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped when there is no request to count by.

    Every login through the web (the login page, the admin login) passes the request; only code
    that calls authenticate() itself, like the test client's login(), does not, and axes would
    raise on it instead of letting the next backend answer.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The Vietnamese lockout page (AXES_LOCKOUT_CALLABLE), from the login page and the admin login alike."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)),
    }
    return render(request, "registration/locked_out.html", context, status=429)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; under /admin/ the policy also allows what the admin's own templates need."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            update = dict(parts.update or {})
            for directive, sources in ADMIN_CSP_UPDATE.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts


class SecurityHeadersMiddleware:
    """Refuses a request whose declared body is larger than REQUEST_MAX_BYTES before reading it,
    and adds the Permissions-Policy header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_MAX_BYTES:
            response = render(request, "413.html", {"limit": settings.REQUEST_MAX_BYTES}, status=413)
            # The body is never read: the client must not reuse the connection for another request.
            response["Connection"] = "close"
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def csrf_failure(request, reason=""):
    """The Vietnamese page for a form sent without a valid CSRF token (an old tab, cookies off, or an attack)."""
    return render(request, "403_csrf.html", status=403)
