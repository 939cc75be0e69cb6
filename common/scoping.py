"""The one scoping rule for rows that belong to a scope (a commune, a provider).

A user sees (or changes) a row when their role has the model's permission and
the row is in their scope, or a permission of theirs opens every scope. The
queryset of each kind of scope says where a row's scope is, what a user's
scope is and which permissions open them all (students.models.CommuneScopedQuerySet).
"""

from __future__ import annotations

from typing import Any, Protocol, Self, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class PermissionHolder(Protocol):
    """What scoping reads of a user (a User, or AnonymousUser)."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


def has_model_permission(user: PermissionHolder | None, model: type[models.Model], action: str) -> bool:
    """Whether an active signed-in user's role has `<app>.<action>_<model>`."""
    opts = model._meta
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
    )


class ScopedQuerySet(models.QuerySet[_M]):
    """`visible_to` and `editable_by`, the only ways pages, admin, exports and reports scope these rows."""

    def scope_lookup(self) -> str:
        """The lookup from a row to its scope's primary key ("commune", "student__commune")."""
        raise NotImplementedError

    def user_scope(self, user: PermissionHolder) -> object | None:
        """The primary key of the scope the user works for, or None (they then see no row)."""
        raise NotImplementedError

    def opens_every_scope(self, user: PermissionHolder, action: str) -> bool:
        """Whether a permission of the user opens every scope's rows for `action` ("view", "change")."""
        return False

    def visible_to(self, user: PermissionHolder | None) -> Self:
        return self._scoped(user, "view")

    def editable_by(self, user: PermissionHolder | None) -> Self:
        """Writes are scoped like reads: a user changes only their scope's rows."""
        return self._scoped(user, "change")

    def _scoped(self, user: PermissionHolder | None, action: str) -> Self:
        if user is None or not has_model_permission(user, self.model, action):
            return self.none()
        if self.opens_every_scope(user, action):
            return self
        scope = self.user_scope(user)
        return self.filter(**{self.scope_lookup(): scope}) if scope else self.none()
