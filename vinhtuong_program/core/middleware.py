"""Request checks that hold for every page of the site."""

from __future__ import annotations

from django.core.exceptions import BadRequest


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
