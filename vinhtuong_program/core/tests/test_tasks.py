"""Background work goes through django-tasks' database backend and its worker."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus, task

from students.models import Hamlet

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def create_hamlet(commune_id: int, name: str) -> int:
    return Hamlet.objects.create(commune_id=commune_id, name=name).pk


@pytest.mark.django_db(transaction=True)
def test_a_task_waits_in_the_database_until_the_worker_runs_it(commune_a):
    with override_settings(TASKS=DATABASE_TASKS):
        result = create_hamlet.enqueue(commune_a.pk, "Thôn Đông")
        assert result.status == TaskResultStatus.READY
        assert not Hamlet.objects.exists()

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert Hamlet.objects.get(pk=result.return_value).name == "Thôn Đông"
