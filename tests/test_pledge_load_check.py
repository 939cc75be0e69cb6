"""The pledge load's database check must see a lost, a doubled, a stray and a wrong pledge, or its PASS is empty."""

import pytest

from bench.bench_pledge_load import NOTE_PREFIX, Attempt, check_database, expected_lines
from donations.models import Pledge, PledgeLine
from donations.pledges import DonorData, LineData, pledge_create

pytestmark = pytest.mark.django_db
RUN = "abcd1234"


def _saved(marker: str, n: int, *, lines: list[LineData] | None = None) -> Pledge:
    if lines is None:
        lines = [
            LineData(kind=kind, amount_vnd=amount, quantity=quantity, device_type="laptop", condition="used")
            for kind, amount, quantity in expected_lines(n)
        ]
    return pledge_create(
        donor=DonorData(kind="individual", name=f"Nhà hảo tâm {marker}", phone="0912345678"),
        lines=lines,
        channel=Pledge.Channel.PUBLIC_FORM,
        note=f"{NOTE_PREFIX} {marker}",
    )


def _accepted(marker: str, n: int, code: str) -> Attempt:
    return Attempt(marker, n, outcome="accepted", code=code)


def test_every_accepted_pledge_saved_once_with_its_lines_passes():
    attempts = [_accepted(f"{RUN}-00-{n:05d}", n, _saved(f"{RUN}-00-{n:05d}", n).reference_code) for n in range(3)]
    attempts.append(Attempt(f"{RUN}-01-00000", 3, outcome="refused"))  # refused and not saved: as it should be
    check = check_database(attempts, RUN)
    assert check.ok
    assert check.accepted == check.in_database == 3


def test_a_lost_a_doubled_a_stray_and_a_wrong_pledge_are_each_reported():
    kept = _saved(f"{RUN}-00-00000", 0)
    doubled = _saved(f"{RUN}-00-00001", 1)
    _saved(f"{RUN}-00-00001", 1)
    wrong_code = _saved(f"{RUN}-00-00002", 2)
    _saved(f"{RUN}-00-00003", 3, lines=[LineData(kind=PledgeLine.Kind.CASH, amount_vnd=1)])
    _saved(f"{RUN}-09-00000", 0)  # refused by the client, yet saved
    attempts = [
        _accepted(f"{RUN}-00-00000", 0, kept.reference_code),
        _accepted(f"{RUN}-00-00001", 1, doubled.reference_code),
        _accepted(f"{RUN}-00-00002", 2, "UH-ZZZZZZ"),
        _accepted(f"{RUN}-00-00003", 3, Pledge.objects.get(note=f"{NOTE_PREFIX} {RUN}-00-00003").reference_code),
        _accepted(f"{RUN}-00-00004", 4, "UH-YYYYYY"),  # accepted, never saved
        Attempt(f"{RUN}-09-00000", 0, outcome="refused"),
    ]
    check = check_database(attempts, RUN)
    assert not check.ok
    assert check.missing == [f"{RUN}-00-00004"]
    assert check.duplicated == [f"{RUN}-00-00001"]
    assert [stray.split()[0] for stray in check.unexpected] == [
        Pledge.objects.get(note=f"{NOTE_PREFIX} {RUN}-09-00000").reference_code
    ]
    assert any(wrong_code.reference_code in text and "UH-ZZZZZZ" in text for text in check.wrong)
    assert any(text.startswith(f"{RUN}-00-00003: lines") for text in check.wrong)
    assert check.in_database == 3  # 00000, 00002 and 00003 once each; 00001 twice, 00004 never
