"""Pledges recorded before pledge lines existed keep what they promised, and their devices."""

from django.db.migrations.executor import MigrationExecutor

BEFORE = [("donations", "0002_device_inventory")]
AFTER = [("donations", "0003_pledge_lines_ledger_and_account")]


def test_single_line_pledges_become_pledges_with_one_line_and_devices_follow(empty_database):
    db = empty_database.alias
    executor = MigrationExecutor(empty_database)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    donor = old.get_model("donations", "Donor").objects.using(db).create(kind="business", name="Công ty Đức Phát")
    pledges = old.get_model("donations", "Pledge").objects.using(db)
    cash = pledges.create(donor=donor, kind="cash", amount_vnd=5_000_000, reference_code="UH-AAAAAA")
    laptops = pledges.create(
        donor=donor, kind="device", device_type="laptop", device_quantity=3, device_condition="new",
        description="Core i3", reference_code="UH-BBBBBB",
    )  # fmt: skip
    old.get_model("donations", "Device").objects.using(db).create(
        device_type="laptop", condition="new", pledge=laptops, received_on="2021-09-23", status="ready"
    )

    executor = MigrationExecutor(empty_database)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    lines = new.get_model("donations", "PledgeLine").objects.using(db)
    cash_line = lines.get(pledge_id=cash.pk)
    assert (cash_line.kind, cash_line.amount_vnd) == ("cash", 5_000_000)
    laptop_line = lines.get(pledge_id=laptops.pk)
    assert (laptop_line.device_type, laptop_line.quantity, laptop_line.specification) == ("laptop", 3, "Core i3")
    device = new.get_model("donations", "Device").objects.using(db).get()
    assert (device.pledge_line_id, device.pledge_id) == (laptop_line.pk, laptops.pk)
    assert new.get_model("donations", "Donor").objects.using(db).get().name_key == "cong ty duc phat"
