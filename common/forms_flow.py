"""The end of a view that writes: call the service, then a message and a redirect, or the error shown.

A service refuses with a ValidationError in Vietnamese. With a form, the refusal goes on the form
(the view renders it again, with its own status); without one, it becomes one error message. Then
the view is redirected (`error_redirect_to`) or renders its page itself (`run_service` returns None).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, overload

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

T = TypeVar("T")


def _resolve(target: str | Callable[[T], str], result: T) -> str:
    return target(result) if callable(target) else target


@overload
def run_service(
    request: HttpRequest,
    service: Callable[[], T],
    *,
    redirect_to: str | Callable[[T], str],
    success_message: str | Callable[[T], str] = "",
    form: BaseForm | None = None,
    error_redirect_to: str,
) -> HttpResponse: ...


@overload
def run_service(
    request: HttpRequest,
    service: Callable[[], T],
    *,
    redirect_to: str | Callable[[T], str],
    success_message: str | Callable[[T], str] = "",
    form: BaseForm | None = None,
    error_redirect_to: None = None,
) -> HttpResponse | None: ...


def run_service(
    request: HttpRequest,
    service: Callable[[], T],
    *,
    redirect_to: str | Callable[[T], str],
    success_message: str | Callable[[T], str] = "",
    form: BaseForm | None = None,
    error_redirect_to: str | None = None,
) -> HttpResponse | None:
    """Run `service`; on success add `success_message` and redirect to `redirect_to` (a URL or a URL
    pattern name without arguments, or a function of what the service returned giving one).

    On a ValidationError: the error goes on `form` (a non-field error) or, without a form, into one
    error message; then a redirect to `error_redirect_to`, or None for the view to render its page.
    """
    try:
        result = service()
    except ValidationError as error:
        if form is not None:
            form.add_error(None, error)
        else:
            messages.error(request, " ".join(error.messages))
        return redirect(error_redirect_to) if error_redirect_to is not None else None
    message = _resolve(success_message, result)
    if message:
        messages.success(request, message)
    return redirect(_resolve(redirect_to, result))
