from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Users, roles and the pages that belong to no single app (home, health)."""

    name = "vinhtuong_program.core"
    label = "core"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from vinhtuong_program.core import checks  # noqa: F401 - registers the deployment check
