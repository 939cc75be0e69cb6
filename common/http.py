"""Requests as the views behind `login_required` see them, for the type checker."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user signed in: `request.user` is a User, never AnonymousUser."""

    user: User
