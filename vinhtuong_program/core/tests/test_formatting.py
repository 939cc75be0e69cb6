from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from vinhtuong_program.core.templatetags.vn_format import vnd


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(1500000, "1.500.000 ₫"), (0, "0 ₫"), (999, "999 ₫"), ("2500000", "2.500.000 ₫"), (-1000, "-1.000 ₫"), (None, "")],
)
def test_money_is_written_the_vietnamese_way(amount, expected):
    assert vnd(amount) == expected


def test_money_in_a_page_never_breaks_across_lines():
    rendered = Template("{% load vn_format %}{{ a|vnd }}|{{ b|vnd }}").render(Context({"a": 270_000_000, "b": None}))
    assert rendered == '<span class="money">270.000.000 ₫</span>|'
    css = (Path(__file__).resolve().parents[3] / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert ".money { white-space: nowrap; }" in css


def test_dates_are_day_month_year():
    rendered = Template("{{ day|date:'SHORT_DATE_FORMAT' }} {{ day }}").render(Context({"day": date(2021, 9, 2)}))
    assert rendered == "02/09/2021 02/09/2021"


def test_times_are_shown_in_vietnam(settings):
    moment = datetime(2021, 9, 22, 10, 0, tzinfo=ZoneInfo("UTC"))
    assert Template("{{ moment }}").render(Context({"moment": moment})) == "17:00 22/09/2021"


def test_numbers_use_dots_for_thousands():
    assert Template("{{ n }}").render(Context({"n": 1234567})) == "1.234.567"


def test_people_are_named_family_name_first():
    from django.contrib.auth.models import User

    from vinhtuong_program.core.templatetags.vn_format import person_name

    assert person_name(User(username="long", first_name="Hồng Long", last_name="Nguyễn")) == "Nguyễn Hồng Long"
    assert person_name(User(username="xa_a")) == "xa_a"
