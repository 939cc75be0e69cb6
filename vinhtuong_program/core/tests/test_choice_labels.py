"""Issue 19: no two choices of a field read the same in Vietnamese (the support list offered "đã thu hồi" twice)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation

from allocation.forms import SupportFilterForm

BUSINESS_APPS = ("students", "donations", "telecom", "allocation", "reports")


def _choice_fields():
    for app in BUSINESS_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if getattr(field, "choices", None):
                    yield f"{model._meta.label}.{field.name}", field.choices


@pytest.mark.parametrize(("where", "choices"), list(_choice_fields()))
def test_each_choice_reads_differently_in_vietnamese(where, choices):
    with translation.override("vi"):
        labels = [str(label) for _value, label in choices]
    assert len(labels) == len(set(labels)), f"{where}: {labels}"


@pytest.mark.django_db
def test_the_support_list_filter_offers_each_status_once(education_office_user):
    with translation.override("vi"):
        form = SupportFilterForm(user=education_office_user)
        labels = [str(label) for _value, label in form.fields["status"].choices]
    assert len(labels) == len(set(labels))
    assert "đã thu hồi" in labels and "đã rút lại" in labels
