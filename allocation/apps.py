from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Allocation")

    def ready(self) -> None:
        # Donations sit below allocation: they learn where a pledge's gifts went through this hook.
        from allocation.selectors import pledge_destinations
        from donations.selectors import DESTINATION_PROVIDERS

        if pledge_destinations not in DESTINATION_PROVIDERS:
            DESTINATION_PROVIDERS.append(pledge_destinations)
