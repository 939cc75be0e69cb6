"""Pledges recorded before pledge lines existed keep what they promised, and their devices."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("donations", "0002_device_inventory")]
AFTER = [("donations", "0003_pledge_lines_ledger_and_account")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_migrations")
def test_single_line_pledges_become_pledges_with_one_line_and_devices_follow():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    donor = old.get_model("donations", "Donor").objects.create(kind="business", name="Công ty Đức Phát")
    Pledge = old.get_model("donations", "Pledge")
    cash = Pledge.objects.create(donor=donor, kind="cash", amount_vnd=5_000_000, reference_code="UH-AAAAAA")
    laptops = Pledge.objects.create(
        donor=donor, kind="device", device_type="laptop", device_quantity=3, device_condition="new",
        description="Core i3", reference_code="UH-BBBBBB",
    )  # fmt: skip
    old.get_model("donations", "Device").objects.create(
        device_type="laptop", condition="new", pledge=laptops, received_on="2021-09-23", status="ready"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Line = new.get_model("donations", "PledgeLine")
    cash_line = Line.objects.get(pledge_id=cash.pk)
    assert (cash_line.kind, cash_line.amount_vnd) == ("cash", 5_000_000)
    laptop_line = Line.objects.get(pledge_id=laptops.pk)
    assert (laptop_line.device_type, laptop_line.quantity, laptop_line.specification) == ("laptop", 3, "Core i3")
    device = new.get_model("donations", "Device").objects.get()
    assert (device.pledge_line_id, device.pledge_id) == (laptop_line.pk, laptops.pk)
    assert new.get_model("donations", "Donor").objects.get().name_key == "cong ty duc phat"
    # Leave the schema as the other tests expect it.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
