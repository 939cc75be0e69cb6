import pytest
from django.apps import apps
from django.urls import reverse

from students.models import Commune
from vinhtuong_program.core.roles import BUSINESS_APPS

pytestmark = pytest.mark.django_db

# Append-only logs: each row already is the who, when and what, and nothing changes it afterwards.
AUDIT_LOGS = {"DataExport"}


def test_every_business_model_keeps_history():
    models = [
        model
        for app in (*BUSINESS_APPS, "core")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and model.__name__ not in AUDIT_LOGS
    ]
    assert models
    missing = [model.__name__ for model in models if not hasattr(model, "history")]
    assert missing == []


def test_an_admin_change_records_who_changed_what(client, education_office_user, commune_a):
    client.force_login(education_office_user)
    url = reverse("admin:students_commune_change", args=[commune_a.pk])
    response = client.post(url, {"code": commune_a.code, "name": "Vĩnh Tường (mới)", "kind": "township"})
    assert response.status_code == 302
    latest = Commune.history.filter(id=commune_a.pk).latest("history_date")
    assert latest.history_user == education_office_user
    assert latest.name == "Vĩnh Tường (mới)"
    assert latest.prev_record.name == "Vĩnh Tường"
