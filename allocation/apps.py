from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Allocation")

    def ready(self) -> None:
        # Donations sit below allocation: they learn where a pledge's gifts went through this hook.
        from allocation.selectors import pledge_destinations
        from allocation.views.pupil_panel import pupil_panel
        from donations.selectors import DESTINATION_PROVIDERS
        from students.panels import PUPIL_PAGE_PANELS

        if pledge_destinations not in DESTINATION_PROVIDERS:
            DESTINATION_PROVIDERS.append(pledge_destinations)
        # Students sit below allocation too: the pupil's page shows why they were or were not supported.
        if pupil_panel not in PUPIL_PAGE_PANELS:
            PUPIL_PAGE_PANELS.append(pupil_panel)
