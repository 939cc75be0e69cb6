"""Hamlet coverage at district scale: the commune × hamlet matrix and the pupils blocked by infrastructure.

28 communes × 10 hamlets × 3 providers × 3 technologies (2,520 coverage rows) and 100,000 pupils.
"""

import io
import random
from datetime import date

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from students.models import Commune, Hamlet, School, SchoolLevel, Student
from telecom.models import HamletCoverage, Provider, Technology
from telecom.selectors import blocked_pupil_counts, infrastructure_figures
from vinhtuong_program.core.roles import EDUCATION_OFFICE, TELECOM_STAFF
from vinhtuong_program.core.tests.factories import make_user

HAMLETS_PER_COMMUNE = 10
PUPILS = 100_000


def _fill(rng: random.Random) -> tuple[int, int]:
    communes = list(Commune.objects.all())
    Hamlet.objects.bulk_create(
        [Hamlet(commune=c, name=f"Thôn {n}") for c in communes for n in range(1, HAMLETS_PER_COMMUNE + 1)]
    )
    hamlets = list(Hamlet.objects.all())
    providers = list(Provider.objects.filter(code__in=["viettel", "vnpt", "mobifone"]))
    rows = []
    for index, hamlet in enumerate(hamlets):
        if index % 7 == 0:
            continue  # a hamlet no provider has reported: its pupils are blocked
        for provider in providers:
            for technology in Technology.values:
                roll = rng.random()
                if roll < 0.5:
                    rows.append(
                        HamletCoverage(hamlet=hamlet, provider=provider, technology=technology, status="available")
                    )
                elif roll < 0.8:
                    rows.append(
                        HamletCoverage(
                            hamlet=hamlet,
                            provider=provider,
                            technology=technology,
                            status="planned",
                            planned_on=date(2021, 9, rng.randint(20, 30)),
                        )
                    )
                else:
                    rows.append(
                        HamletCoverage(
                            hamlet=hamlet,
                            provider=provider,
                            technology=technology,
                            status="not_possible",
                            reason="Địa hình",
                        )
                    )
    HamletCoverage.objects.bulk_create(rows, batch_size=2000)
    schools = {
        c.pk: School.objects.create(code=f"B-{c.code}", name=f"TH {c.name}", level=SchoolLevel.PRIMARY, commune=c)
        for c in communes
    }
    pupils = []
    for n in range(PUPILS):
        hamlet = hamlets[n % len(hamlets)]
        pupils.append(
            Student(
                commune_id=hamlet.commune_id,
                hamlet=hamlet,
                school=schools[hamlet.commune_id],
                full_name=f"Học sinh {n}",
                birth_date="2012-01-01",
                class_name="3A",
                level=SchoolLevel.PRIMARY,
                lacks_device=n % 2 == 0,
                lacks_internet=True,
            )
        )
    Student.objects.bulk_create(pupils, batch_size=5000)
    return len(rows), len(pupils)


def run(figures) -> None:
    call_command("load_reference_data", stdout=io.StringIO())
    with figures.measure("fill", memory=False):
        coverage_rows, pupils = _fill(random.Random(2021))
    figures.add("coverage rows", coverage_rows)
    figures.add("pupils", pupils)
    office, telecom = Client(), Client()
    office.force_login(make_user(EDUCATION_OFFICE, "bench-office"))
    telecom.force_login(make_user(TELECOM_STAFF, "bench-viettel", provider=Provider.objects.get(code="viettel")))
    matrix = reverse("telecom:coverage")
    office.get(matrix)  # warm templates and permission caches
    with figures.measure("coverage matrix, all providers (office)", memory=False):
        assert office.get(matrix).status_code == 200
    with figures.measure("coverage matrix, own provider (Viettel)", memory=False):
        assert telecom.get(matrix).status_code == 200
    with figures.measure("coverage .xlsx export, all providers", memory=False):
        assert office.get(reverse("telecom:coverage-export")).status_code == 200
    with figures.measure("blocked pupils query (counts)", memory=False):
        counts = blocked_pupil_counts()
    figures.add("blocked pupils", sum(row["pupils"] for row in counts))
    with figures.measure("blocked pupils page (telecom, counts only)", memory=False):
        assert telecom.get(reverse("telecom:blocked-pupils")).status_code == 200
    with figures.measure("blocked pupils page (office, names page 1)", memory=False):
        assert office.get(reverse("telecom:blocked-pupils")).status_code == 200
    with figures.measure("infrastructure figures", memory=False):
        infrastructure_figures()
