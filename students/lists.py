"""Pupil lists received: the one definition every page and the report read, and how an upload is recorded.

"List received" for a commune means an imported list exists. A file refused after it (wrong rows,
unreadable) is shown as refused ("lần gửi ngày … bị từ chối") and undoes nothing. A commune with no
imported list whose latest file was refused has a list with errors, waiting to be fixed.

Every import path (the web upload through the worker, `import_students`, any later one) records a
`StudentUpload` with who, when, how (web or command line, by the commune or on its behalf) and the
outcome; `upload_open` is the one way to start that record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from students.models import Commune, StudentUpload, profile_commune_id

REFUSED = (StudentUpload.Status.INVALID, StudentUpload.Status.UNREADABLE)


@dataclass(frozen=True)
class ListState:
    """What a commune's uploads say about its list."""

    received: bool = False
    last_upload: datetime | None = None
    # The latest upload, when it was refused after the last imported list (or with none imported).
    refused_at: datetime | None = None
    refused_upload_id: int | None = None

    @property
    def has_errors(self) -> bool:
        """No list imported and the latest file refused: the commune must send a corrected file."""
        return not self.received and self.refused_at is not None

    @property
    def refused_after_received(self) -> bool:
        """A list stands and a later file was refused: shown, but the list still counts."""
        return self.received and self.refused_at is not None

    @property
    def refused_wording(self) -> str:
        return refused_wording(self.refused_at) if self.refused_at else ""


NOT_SENT = ListState()


def _aggregates(prefix: str = "") -> dict:
    """The figures a ListState is made of, over a commune's uploads (`prefix` reaches them from a commune)."""
    imported, refused = Q(**{f"{prefix}status": StudentUpload.Status.IMPORTED}), Q(**{f"{prefix}status__in": REFUSED})
    return {
        "ls_imported": Count(f"{prefix}id", filter=imported),
        "ls_last_upload": Max(f"{prefix}uploaded_at"),
        "ls_last_import": Max(f"{prefix}uploaded_at", filter=imported),
        "ls_last_failure": Max(f"{prefix}uploaded_at", filter=refused),
        "ls_last_failure_id": Max(f"{prefix}id", filter=refused),
    }


def _state(row) -> ListState:
    """The one rule: received when a list was imported; the latest file refused after it (or with none)."""
    get = row.get if isinstance(row, dict) else row.__getattribute__
    if not get("ls_last_upload"):
        return NOT_SENT
    last_failure, last_import = get("ls_last_failure"), get("ls_last_import")
    refused = last_failure is not None and (last_import is None or last_failure > last_import)
    return ListState(
        received=get("ls_imported") > 0,
        last_upload=get("ls_last_upload"),
        refused_at=last_failure if refused else None,
        refused_upload_id=get("ls_last_failure_id") if refused else None,
    )


def list_states(uploads: QuerySet | None = None) -> dict[int, ListState]:
    """Per commune id, its ListState, from `uploads` (live rows, or a report snapshot's rows).

    The latest upload is the one sent last, even if an earlier list finished importing after it."""
    if uploads is None:
        uploads = StudentUpload._base_manager.all()
    rows = uploads.order_by().values("commune_id").annotate(**_aggregates())
    return {row["commune_id"]: _state(row) for row in rows}


def with_list_state(communes: QuerySet[Commune]) -> QuerySet[Commune]:
    """The communes annotated, in the same query, with what `list_state_of_commune` reads.

    Subqueries, not a join: the caller's own counts (pupils) are not multiplied by the uploads."""
    uploads = StudentUpload._base_manager.filter(commune=OuterRef("pk")).order_by().values("commune")
    return communes.annotate(
        **{
            name: Subquery(uploads.annotate(value=aggregate).values("value")[:1])
            for name, aggregate in _aggregates().items()
        }
    )


def list_state_of_commune(commune: Commune) -> ListState:
    """The ListState of a commune fetched through `with_list_state`."""
    if commune.ls_imported is None:  # no upload at all: the subqueries found no row
        return NOT_SENT
    return _state(commune)


def list_state_of(states: dict[int, ListState], commune_id: int) -> ListState:
    return states.get(commune_id, NOT_SENT)


def communes_with_list_state(communes: QuerySet[Commune]) -> list[Commune]:
    """The communes (a queryset the caller scoped), each with `.list_state` set, in one query."""
    communes = list(with_list_state(communes))
    for commune in communes:
        commune.list_state = list_state_of_commune(commune)
    return communes


def on_behalf(user, commune: Commune) -> bool:
    """Sent by anyone but an official of the commune itself."""
    return user is None or profile_commune_id(user) != commune.pk


def upload_open(
    commune: Commune,
    original_name: str,
    *,
    user=None,
    channel: str = StudentUpload.Channel.WEB,
    file=None,
    system_account: str = "",
) -> StudentUpload:
    """Record an upload as it arrives (the file kept, for the marked-up copy of a refused list)."""
    upload = StudentUpload(
        commune=commune,
        uploaded_by=user,
        original_name=original_name[:255],
        channel=channel,
        on_behalf=on_behalf(user, commune),
        system_account=system_account[:150],
    )
    if file is not None:
        upload.original_file.save(original_name, file, save=False)
    upload.save()
    return upload


def refused_wording(day) -> str:
    """ "lần gửi ngày 21/09/2021 bị từ chối": a date, a datetime or an ISO day from the report's JSON."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    elif isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return _("the upload of %(day)s was refused") % {"day": day.strftime("%d/%m/%Y")}
