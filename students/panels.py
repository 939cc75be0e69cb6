"""Panels that apps above `students` add to a pupil's page, without `students` importing them.

An app registers a callable `(request, student) -> html` (usually from its AppConfig.ready()).
Return "" to show nothing. Return a SafeString (e.g. from `render_to_string`, whose template
escapes what it shows); a plain str is escaped when the page renders it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from students.models import Student

PUPIL_PAGE_PANELS: list[Callable[[HttpRequest, Student], str]] = []


def pupil_page_panels(request: HttpRequest, student: Student) -> list[str]:
    """The HTML of every registered panel that has something to show for this pupil and user."""
    return [html for panel in PUPIL_PAGE_PANELS if (html := panel(request, student))]
