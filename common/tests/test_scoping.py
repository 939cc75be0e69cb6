"""The generic scoping rule, configured here on Django's own groups: no app's model is needed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission

from common.scoping import ScopedQuerySet

pytestmark = pytest.mark.django_db
EVERY_SCOPE = "auth.change_permission"


class GroupsOfTheirOwn(ScopedQuerySet[Group]):
    """A user's scope is their own group; EVERY_SCOPE opens every group for reading and writing."""

    def scope_lookup(self) -> str:
        return "pk"

    def user_scope(self, user: Any) -> object | None:
        return user.groups.values_list("pk", flat=True).first()

    def opens_every_scope(self, user: Any, action: str) -> bool:
        return bool(user.has_perm(EVERY_SCOPE))


@pytest.fixture
def groups():
    return Group.objects.create(name="A"), Group.objects.create(name="B")


def _user(name: str, *permissions: str, group: Group | None = None):
    user = get_user_model().objects.create_user(username=name, password="x")
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    if group is not None:
        user.groups.add(group)
    return get_user_model().objects.get(pk=user.pk)  # a fresh user: no cached permissions


def _scoped() -> GroupsOfTheirOwn:
    return GroupsOfTheirOwn(model=Group)


def test_a_user_sees_only_their_own_scope(groups):
    a, _b = groups
    user = _user("a", "auth.view_group", group=a)
    assert list(_scoped().visible_to(user)) == [a]
    assert list(_scoped().editable_by(user)) == []  # no change permission on the model


def test_a_user_changes_only_their_own_scope(groups):
    a, _b = groups
    user = _user("a", "auth.view_group", "auth.change_group", group=a)
    assert list(_scoped().editable_by(user)) == [a]


def test_a_permission_that_opens_every_scope(groups):
    user = _user("all", "auth.view_group", EVERY_SCOPE)
    # Every group: the test database's role groups too, unless a transactional test has emptied it.
    assert set(_scoped().visible_to(user)) == set(Group.objects.all()) >= set(groups)


def test_without_the_models_permission_or_a_scope_nothing_is_seen(groups):
    a, _b = groups
    assert list(_scoped().visible_to(_user("no-permission", group=a))) == []
    assert list(_scoped().visible_to(_user("no-scope", "auth.view_group"))) == []
    assert list(_scoped().visible_to(AnonymousUser())) == []
    assert list(_scoped().visible_to(None)) == []


def test_an_inactive_user_sees_nothing(groups):
    a, _b = groups
    user = _user("gone", "auth.view_group", group=a)
    user.is_active = False
    assert list(_scoped().visible_to(user)) == []
