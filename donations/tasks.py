"""Background work of the donations app, run by the worker (`manage.py run_worker`)."""

from __future__ import annotations

from django_tasks import task

from donations.marked_up import marked_up_build


@task()
def donation_marked_up_build(user_id: int, token: str) -> str:
    """Mark the wrong cells of a donation list the import page refused; returns the job's final state."""
    return marked_up_build(user_id=user_id, token=token)
