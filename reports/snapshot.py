"""The data a report reads: the tables as they are now, or as they stood at the end of a day.

Every figure of the progress report is computed from `Snapshot.rows(Model)`. Live, that
is the model's rows; "as of" a day, it is the model's history (django-simple-history)
reduced to each row's last version before midnight of that day, deleted rows left out.
Selectors therefore use only the model's own fields and forward joins to reference data
(communes, schools, hamlets, providers): historical models have no reverse relations,
and joins reach today's rows. Never use `pk` in a selector: on a history table it is
`history_id`; use `id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import models
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
        return model.history.as_of(self.moment).order_by()
