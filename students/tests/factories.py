from datetime import date

import factory

from common.text import fold
from students.models import Commune, DuplicateCandidate, Hamlet, School, SchoolLevel, Student


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    kind = Commune.Kind.COMMUNE


class HamletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hamlet

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Thôn {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"TEST-{n:05d}")
    name = factory.Sequence(lambda n: f"Trường Tiểu học Thử {n}")
    level = SchoolLevel.PRIMARY
    commune = factory.SubFactory(CommuneFactory)


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    commune = factory.SubFactory(CommuneFactory)
    school = factory.SubFactory(SchoolFactory, commune=factory.SelfAttribute("..commune"))
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    name_key = factory.LazyAttribute(lambda student: fold(student.full_name))
    birth_date = date(2012, 5, 17)
    gender = Student.Gender.MALE
    class_name = "3A"
    level = SchoolLevel.PRIMARY
    lacks_device = True
    lacks_internet = False


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DuplicateCandidate

    existing = factory.SubFactory(StudentFactory)
    candidate = factory.SubFactory(StudentFactory, status=Student.Status.HELD)
    reason = DuplicateCandidate.Reason.NAME_BIRTH_DATE
