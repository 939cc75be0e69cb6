import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Each test starts with no attempts counted and no minimum fill time unless it sets one."""
    cache.clear()
    settings.DONATIONS_MIN_FILL_SECONDS = 0
    yield
    cache.clear()
