"""Numbers are written the Vietnamese way (12.345), but never the numbers a link or a form sends back."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


@pytest.mark.parametrize(
    ("template", "name"),
    [("students/_pagination.html", "page_obj"), ("donations/staff/_pager.html", "page")],
)
def test_pager_links_past_page_a_thousand_stay_plain_numbers(template, name):
    page = Paginator(range(60_000), 50).page(1000)
    with translation.override("vi"):
        html = render_to_string(template, {name: page, "query": ""}, request=RequestFactory().get("/"))
    assert 'page=999"' in html and 'page=1001"' in html
    assert "1.001" not in html
