from datetime import date

import factory

from donations.models import Device, DeviceCondition, DeviceType, Donor, Pledge


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
    kind = Pledge.Kind.CASH
    amount_vnd = 1_500_000


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    device_type = DeviceType.LAPTOP
    brand_model = "Dell Latitude 5400"
    condition = DeviceCondition.USED
    received_on = date(2021, 9, 20)
    status = Device.Status.AWAITING_INSPECTION
