"""Request checks that hold for every page of the site."""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import BadRequest
from django.utils.cache import patch_vary_headers

from common.http import SESSION_LEFT_UNSAVED


class RejectNulCharactersMiddleware:
    """A NUL character in the path or the query string is answered 400, never a server error.

    No URL or search of the site can contain one, and PostgreSQL refuses it in any query ("A string
    literal cannot contain NUL"), so /can-bo/ung-ho/%00/ or ?commune=%00 ended in a 500 there (found by
    the scanners' payloads, which append %00 to values). Form fields already refuse it (Django's
    CharField); posted data is left to them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the path or the query string")
        return self.get_response(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a background request (common.http.leaves_the_session_unsaved) leaves the
    stored session as it found it.

    With SESSION_SAVE_EVERY_REQUEST (the idle hour) every response writes back the whole session as its
    request read it. The staff menu's counts request starts as each page loads; when the user was
    quicker and posted a form that stored something in the session ("verify all" keeps what it
    verified, so it can be undone), the counts answered after it and wrote back the older session, and
    the undo was gone. It also set the cookie again on a browser whose cookies had just been cleared.
    A background request is never the user's activity, so it need not renew the idle hour either.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if getattr(request, SESSION_LEFT_UNSAVED, False) and session is not None and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
