"""Tests that replay the figures "as of a past day" move the history recorded so far to that day."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Case, DateTimeField, Value, When


def move_history_to(moment: datetime) -> None:
    """Every history row recorded so far dated `moment`, a microsecond apart in the order they were written.

    With one date for all, a record's rows would tie for "its latest row as of the day", and which
    one the report read would depend on the rows' places on disk (a test failed once a command had
    rewritten them: a support counted as proposed before and as used after).
    """
    for model in apps.get_models():
        if model.__name__.startswith("Historical") and hasattr(model, "history_date"):
            ids = list(model._default_manager.order_by("history_id").values_list("history_id", flat=True))
            if ids:
                dates = [
                    When(history_id=pk, then=Value(moment + timedelta(microseconds=n))) for n, pk in enumerate(ids)
                ]
                model._default_manager.update(history_date=Case(*dates, output_field=DateTimeField()))
