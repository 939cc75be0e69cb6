from datetime import date

import factory

from students.tests.factories import HamletFactory, StudentFactory
from telecom.models import (
    ConnectivityOffer,
    HamletCoverage,
    LearningPlatform,
    Provider,
    SimAssignment,
    Technology,
    ZeroRating,
)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Nhà mạng thử {n}")
    short_name = factory.Sequence(lambda n: f"NM{n}")


class HamletCoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HamletCoverage

    hamlet = factory.SubFactory(HamletFactory)
    provider = factory.SubFactory(ProviderFactory)
    technology = Technology.MOBILE_4G
    status = HamletCoverage.Status.AVAILABLE


class ConnectivityOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectivityOffer

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"SIM 4G học tập {n}")
    kind = ConnectivityOffer.Kind.MOBILE_SIM
    allowance = "4 GB/ngày"
    months = 3
    monthly_price_vnd = 0
    capacity = 10


class SimAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SimAssignment

    offer = factory.SubFactory(ConnectivityOfferFactory)
    student = factory.SubFactory(StudentFactory, lacks_internet=True)


class LearningPlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPlatform

    name = factory.Sequence(lambda n: f"Nền tảng học {n}")
    url = factory.Sequence(lambda n: f"https://hoc{n}.example.vn/")


class ZeroRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ZeroRating

    platform = factory.SubFactory(LearningPlatformFactory)
    provider = factory.SubFactory(ProviderFactory)
    since = date(2021, 9, 15)
