"""Existing pledges when confirmation came in: staff's and imported ones are confirmed, a public one
only when something was received against it; history rows get the same value."""

from django.db.migrations.executor import MigrationExecutor

BEFORE = [("donations", "0003_pledge_lines_ledger_and_account")]
AFTER = [("donations", "0006_confirm_existing_pledges")]


def test_existing_pledges_are_confirmed_unless_an_unanswered_public_one(empty_database):
    db = empty_database.alias
    executor = MigrationExecutor(empty_database)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    donor = old.get_model("donations", "Donor").objects.using(db).create(kind="business", name="Công ty Đức Phát")
    Pledge = old.get_model("donations", "Pledge")
    HistoricalPledge = old.get_model("donations", "HistoricalPledge")
    pledges = {}
    for code, channel in (
        ("UH-STAFF1", "staff"),
        ("UH-IMPRT1", "import"),
        ("UH-PUBLC1", "public"),
        ("UH-PUBLC2", "public"),
    ):
        pledges[code] = Pledge.objects.using(db).create(donor=donor, channel=channel, reference_code=code)
        HistoricalPledge.objects.using(db).create(
            id=pledges[code].pk, donor_id=donor.pk, channel=channel, reference_code=code,
            pledged_at=pledges[code].pledged_at, history_date=pledges[code].pledged_at, history_type="+",
        )  # fmt: skip
    lines = old.get_model("donations", "PledgeLine").objects.using(db)
    paid = lines.create(pledge=pledges["UH-PUBLC2"], kind="cash", amount_vnd=1_000_000)
    lines.create(pledge=pledges["UH-PUBLC1"], kind="cash", amount_vnd=5_000_000_000)
    old.get_model("donations", "CashReceipt").objects.using(db).create(
        received_on="2021-09-20", amount_vnd=1_000_000, payer="Công ty Đức Phát", pledge_line=paid
    )

    executor = MigrationExecutor(empty_database)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    confirmed = dict(
        new.get_model("donations", "Pledge").objects.using(db).values_list("reference_code", "confirmed_at")
    )
    assert {code for code, at in confirmed.items() if at is None} == {"UH-PUBLC1"}
    history = new.get_model("donations", "HistoricalPledge").objects.using(db)
    assert set(history.filter(confirmed_at__isnull=True).values_list("reference_code", flat=True)) == {"UH-PUBLC1"}
