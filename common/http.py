"""Requests as the views see them: signed in, for the type checker; or sent by a page in the background."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user signed in: `request.user` is a User, never AnonymousUser."""

    user: User


# Read by vinhtuong_program.core.middleware.SessionMiddleware.
SESSION_LEFT_UNSAVED = "leaves_the_session_unsaved"


def leaves_the_session_unsaved(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view that pages call in the background (menu counts, progress polls): it reads the
    session and never writes it back, so it cannot erase what the user's next form stores there."""

    @wraps(view)
    def marked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, SESSION_LEFT_UNSAVED, True)
        return view(request, *args, **kwargs)

    return marked
