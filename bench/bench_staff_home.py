"""The staff home and a commune page with a district-sized pupil list."""

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from students.models import Commune, School, SchoolLevel, Student
from vinhtuong_program.core.roles import EDUCATION_OFFICE
from vinhtuong_program.core.tests.factories import make_user

PUPILS_PER_COMMUNE = 700  # ~20,000 pupils in need: a pessimistic district


def _fill() -> int:
    pupils = []
    for commune in Commune.objects.all():
        school = School.objects.create(
            code=f"B-{commune.code}", name=f"TH {commune.name}", level=SchoolLevel.PRIMARY, commune=commune
        )
        pupils += [
            Student(
                commune=commune,
                school=school,
                full_name=f"Học sinh {n}",
                birth_date="2012-01-01",
                class_name="3A",
                level=SchoolLevel.PRIMARY,
                lacks_device=True,
            )
            for n in range(PUPILS_PER_COMMUNE)
        ]
    Student.objects.bulk_create(pupils, batch_size=2000)
    return len(pupils)


def run(figures) -> None:
    import io

    call_command("load_reference_data", stdout=io.StringIO())
    with figures.measure("bulk insert of pupils", rows=28 * PUPILS_PER_COMMUNE, memory=False):
        count = _fill()
    figures.add("pupils", count)
    client = Client()
    client.force_login(make_user(EDUCATION_OFFICE, "bench-staff"))
    client.get(reverse("staff-home"))  # warm caches (templates, permissions)
    with figures.measure("staff home"):
        assert client.get(reverse("staff-home")).status_code == 200
    with figures.measure("commune page"):
        assert client.get(reverse("students:commune-detail", args=["09076"])).status_code == 200
