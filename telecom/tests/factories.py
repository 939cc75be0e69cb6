import factory

from telecom.models import Provider


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Nhà mạng thử {n}")
    short_name = factory.Sequence(lambda n: f"NM{n}")
