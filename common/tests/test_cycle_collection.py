"""The cycle collector is paused for a bulk job and comes back as it was, whatever happens."""

from __future__ import annotations

import gc
import io

import pytest

from common.cycle_collection import without_cycle_collection


@pytest.fixture
def collector_restored():
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_resumed_after_even_on_an_error(collector_restored):
    gc.enable()
    with pytest.raises(ValueError), without_cycle_collection():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused(collector_restored):
    gc.disable()
    with without_cycle_collection():
        pass
    assert not gc.isenabled()


@pytest.mark.django_db
def test_a_pupil_list_is_read_and_saved_with_the_collector_paused(commune_a, monkeypatch, collector_restored):
    from students import importing

    gc.enable()
    seen = []
    read_rows = importing.read_rows

    def spying_read_rows(*args, **kwargs):
        seen.append(gc.isenabled())
        return read_rows(*args, **kwargs)

    monkeypatch.setattr(importing, "read_rows", spying_read_rows)
    outcome = importing.import_file(io.BytesIO(b"not a spreadsheet"), "ds.csv", commune_a)
    assert seen == [False] and not outcome.ok
    assert gc.isenabled()
