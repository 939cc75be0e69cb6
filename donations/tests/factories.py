from datetime import date

import factory
from django.utils import timezone

from donations.models import Device, DeviceCondition, DeviceType, Donor, Pledge, PledgeLine


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    kind = Donor.Kind.BUSINESS
    name = factory.Sequence(lambda n: f"Công ty Thử {n}")
    phone = "0912345678"


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    donor = factory.SubFactory(DonorFactory)
    # Confirmed, as staff's pledges are when saved; `confirmed_at=None` for a public one not yet called.
    confirmed_at = factory.LazyFunction(timezone.now)


class PledgeLineFactory(factory.django.DjangoModelFactory):
    """A cash line by default; `DeviceLineFactory` and `TelecomLineFactory` for the others."""

    class Meta:
        model = PledgeLine

    pledge = factory.SubFactory(PledgeFactory)
    kind = PledgeLine.Kind.CASH
    amount_vnd = 1_500_000


class DeviceLineFactory(PledgeLineFactory):
    kind = PledgeLine.Kind.DEVICE
    amount_vnd = None
    device_type = DeviceType.LAPTOP
    condition = DeviceCondition.USED
    quantity = 3


class TelecomLineFactory(PledgeLineFactory):
    kind = PledgeLine.Kind.TELECOM
    amount_vnd = None
    offer = "SIM 4G miễn phí 4 GB/ngày"
    quantity = 100
    months = 3


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    device_type = DeviceType.LAPTOP
    brand_model = "Dell Latitude 5400"
    condition = DeviceCondition.USED
    received_on = date(2021, 9, 20)
    status = Device.Status.AWAITING_INSPECTION


def seed_every_donations_model() -> None:
    """One row of every donations model, for tests that walk the admin."""
    from donations import ledger
    from donations.models import ProgrammeAccount

    line = PledgeLineFactory(amount_vnd=5_000_000)
    devices = DeviceLineFactory()
    DeviceFactory(pledge_line=devices, pledge=devices.pledge)
    ProgrammeAccount.get()
    ledger.receipt_record(received_on=date(2021, 9, 23), amount_vnd=5_000_000, payer="Thử", pledge_line=line)
    ledger.spending_record(
        spent_on=date(2021, 9, 24), category="data", description="Gói cước", supplier="VNPT", amount_vnd=1_000_000
    )
