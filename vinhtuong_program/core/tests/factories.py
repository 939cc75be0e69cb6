from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from vinhtuong_program.core.models import UserProfile
from vinhtuong_program.core.roles import Role

PASSWORD = "mat-khau-thu-nghiem-2021"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Thử"
    last_name = "Nguyễn"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role: Role | None, username: str, *, commune=None, provider=None):
    """A user in the role's group, with a profile when scoped to a commune or provider."""
    user = UserFactory(username=username, is_staff=bool(role and role.uses_admin))
    if role is not None:
        user.groups.add(Group.objects.get(name=role.group_name))
    if commune is not None or provider is not None:
        UserProfile.objects.create(user=user, commune=commune, provider=provider)
    return user
