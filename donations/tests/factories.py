import factory

from donations.models import Donor, Pledge


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
