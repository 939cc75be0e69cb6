"""The data a report reads: the tables as they are now, or as they stood at the end of a day.

Every figure of the progress report is computed from `Snapshot.rows(Model)`. Live, that
is the model's rows; "as of" a day, it is the model's history (django-simple-history)
reduced to each row's last version before midnight of that day, deleted rows left out.
Selectors therefore use only the model's own fields and forward joins to reference data
(communes, schools, hamlets, providers): historical models have no reverse relations,
and joins reach today's rows. A field of another business row (a pupil's level, a device's
type) is read with `Snapshot.field_of()`, as that row stood. Never use `pk` in a selector: on
a history table it is `history_id`; use `id`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone


@dataclass(frozen=True)
class Snapshot:
    """Live data (`as_of` None) or the data as it stood at the end of `as_of`, local time."""

    as_of: date | None = None

    @classmethod
    def live(cls) -> Snapshot:
        return cls(None)

    @property
    def is_live(self) -> bool:
        return self.as_of is None

    @property
    def day(self) -> date:
        """The day the figures describe (today when live)."""
        return self.as_of or timezone.localdate()

    @property
    def moment(self) -> datetime:
        """The instant the figures describe: now, or the end of the `as_of` day in Asia/Ho_Chi_Minh."""
        if self.as_of is None:
            return timezone.now()
        midnight = datetime.combine(self.as_of + timedelta(days=1), time.min)
        return timezone.make_aware(midnight) - timedelta(microseconds=1)

    def rows(self, model: type[models.Model]) -> models.QuerySet:
        """The model's rows as this snapshot sees them: unscoped, and unordered (a default ordering
        inside the report's subqueries costs joins and a sort of every row)."""
        if self.as_of is None:
            return model._base_manager.order_by()
        return last_versions(model, self.moment)

    def field_of(self, model: type[models.Model], field: str, *, id_from: str) -> Subquery:
        """`field` of the `model` row whose id is in the outer row's `id_from`, as this snapshot sees
        that row: a join through a foreign key would read today's row, even as of a past day."""
        return Subquery(self.rows(model).filter(id=OuterRef(id_from)).values(field)[:1])

    @staticmethod
    @contextmanager
    def reading() -> Iterator[None]:
        """One transaction for a whole report, so that every figure comes from the same moment.

        On PostgreSQL it is REPEATABLE READ and READ ONLY (when not inside another transaction),
        and lets the planner aggregate in parallel workers: it misjudges the number of groups of a
        GROUP BY over several joined columns (as many as rows, where there are a few thousand), so
        parallel partial aggregation looks useless to it. At 1,000,000 pupils the parallel plan is
        twice as fast (bench/bench_report.py).
        """
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # JIT compiling these expressions costs more than it saves, up to seconds on a busy server.
                statements = [
                    "SET LOCAL parallel_setup_cost = 0",
                    "SET LOCAL parallel_tuple_cost = 0",
                    "SET LOCAL jit = off",
                ]
                if outermost:
                    statements.insert(0, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                with connection.cursor() as cursor:
                    cursor.execute("; ".join(statements))
            yield


def last_versions(model: type[models.Model], moment: datetime) -> models.QuerySet:
    """Each record's last history row up to `moment`, as instances, deleted records left out.

    The last row is the one written last (the highest history_id) among those dated up to
    `moment`. simple-history's `as_of` compares dates alone and kept every row that tied for a
    record's last date: a report then read whichever the database met first. One inequality, as
    there, keeps the anti-join as fast (an OR of date and id made the report 1.6× slower).
    """
    pk = model._meta.pk.attname
    history = model.history.filter(history_date__lte=moment)  # type: ignore[attr-defined]  # HistoricalRecords
    history._as_of = moment
    later = history.filter(history_id__gt=OuterRef("history_id"), **{pk: OuterRef(pk)})
    return history.filter(~Exists(later)).as_instances().order_by()
