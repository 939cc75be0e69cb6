"""common.forms_flow.run_service: the one way a view ends after calling a service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse

from common.forms_flow import run_service

ROOT = Path(__file__).resolve().parents[1]


class ReasonForm(forms.Form):
    reason = forms.CharField()


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]  # what the middleware sets
    return request


def _messages(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def _refuse() -> int:
    raise ValidationError(["Hết chỗ.", "Chọn gói khác."])


def test_it_redirects_with_the_success_message():
    request = _request()
    response = run_service(request, lambda: 7, success_message="Đã lưu.", redirect_to="/ho-tro/7/")
    assert response is not None
    assert (response.status_code, response["Location"]) == (302, "/ho-tro/7/")
    assert _messages(request) == [("success", "Đã lưu.")]


def test_the_message_and_the_target_may_come_from_what_the_service_returned():
    request = _request()
    response = run_service(
        request,
        lambda: 42,
        success_message=lambda n: f"Hỗ trợ #{n} đã duyệt.",
        redirect_to=lambda n: f"/ho-tro/{n}/",
    )
    assert response is not None
    assert response["Location"] == "/ho-tro/42/"
    assert _messages(request) == [("success", "Hỗ trợ #42 đã duyệt.")]


def test_a_url_pattern_name_is_a_target():
    response = run_service(_request(), lambda: None, redirect_to="allocation:support-list")
    assert response is not None
    assert response["Location"] == reverse("allocation:support-list")


def test_no_success_message_adds_none():
    request = _request()
    run_service(request, lambda: None, redirect_to="/")
    assert _messages(request) == []


def test_a_refusal_goes_on_the_form_and_the_view_renders_it_again():
    request = _request()
    form = ReasonForm({"reason": "x"})
    assert form.is_valid()
    assert run_service(request, _refuse, success_message="Đã lưu.", redirect_to="/", form=form) is None
    assert form.non_field_errors() == ["Hết chỗ.", "Chọn gói khác."]
    assert _messages(request) == []


def test_without_a_form_the_refusal_is_one_error_message_and_the_view_renders_its_page():
    request = _request()
    assert run_service(request, _refuse, success_message="Đã lưu.", redirect_to="/") is None
    assert _messages(request) == [("error", "Hết chỗ. Chọn gói khác.")]


def test_without_a_form_the_refusal_may_redirect():
    request = _request()
    response = run_service(request, _refuse, redirect_to="/ok/", error_redirect_to="/lai/")
    assert (response.status_code, response["Location"]) == (302, "/lai/")
    assert _messages(request) == [("error", "Hết chỗ. Chọn gói khác.")]


def test_other_errors_are_not_swallowed():
    def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_service(_request(), broken, redirect_to="/")


def test_the_base_layer_imports_no_app():
    apps = {"students", "donations", "telecom", "allocation", "reports", "vinhtuong_program"}
    for name in ("forms_flow.py", "http.py"):
        tree = ast.parse((ROOT / "common" / name).read_text(encoding="utf-8"))
        imported = {
            node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not imported & apps, name
