"""Reads about pupils that pages and reports share."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from common.text import fold
from students.models import Commune, School, Student


def communes_with_need(communes: QuerySet[Commune]) -> QuerySet[Commune]:
    """Each commune with its counts of pupils in need and verified."""
    return communes.annotate(
        in_need=Count("students", filter=Q(students__status__in=Student.IN_NEED_STATUSES)),
        verified=Count("students", filter=Q(students__status=Student.Status.VERIFIED)),
    )


def commune_totals(commune: Commune) -> dict[str, int]:
    in_need = Q(status__in=Student.IN_NEED_STATUSES)
    return Student.objects.filter(commune=commune).aggregate(
        in_need=Count("pk", filter=in_need),
        lacks_device=Count("pk", filter=in_need & Q(lacks_device=True)),
        lacks_internet=Count("pk", filter=in_need & Q(lacks_internet=True)),
        verified=Count("pk", filter=Q(status=Student.Status.VERIFIED)),
        held=Count("pk", filter=Q(status=Student.Status.HELD)),
    )


def commune_schools(commune: Commune) -> QuerySet[School]:
    """Schools in the commune and those its pupils attend elsewhere, counting this commune's pupils only."""
    listed_here = Student.objects.filter(commune=commune, status__in=Student.IN_NEED_STATUSES)
    in_need = listed_here.filter(school=OuterRef("pk")).values("school").annotate(n=Count("pk")).values("n")
    return (
        School.objects.filter(Q(commune=commune) | Q(pk__in=listed_here.values("school")))
        .annotate(in_need=Coalesce(Subquery(in_need), 0))
        .order_by("level", "name")
    )


NEEDS = {
    "device": Q(lacks_device=True),
    "internet": Q(lacks_internet=True),
    "both": Q(lacks_device=True, lacks_internet=True),
}


def search_students(students: QuerySet[Student], text: str) -> QuerySet[Student]:
    """Accent-insensitive name search (`nguyen van an` finds `Nguyễn Văn An`), or an exact ID."""
    text = " ".join(str(text).split())
    if not text:
        return students
    condition = Q(name_key__contains=fold(text))
    if text.isdigit():
        condition |= Q(personal_id=text) | Q(pupil_id=text) | Q(guardian_phone=text)
    return students.filter(condition)


def filter_students(
    students: QuerySet[Student],
    *,
    text: str = "",
    commune: Commune | None = None,
    school: School | None = None,
    level: str = "",
    need: str = "",
    hardship: str = "",
    status: str = "",
) -> QuerySet[Student]:
    """The staff list's filters, each optional; the caller has already scoped `students`."""
    students = search_students(students, text)
    if commune is not None:
        students = students.filter(commune=commune)
    if school is not None:
        students = students.filter(school=school)
    if level:
        students = students.filter(level=level)
    if need in NEEDS:
        students = students.filter(NEEDS[need])
    if hardship:
        # JSON list of codes; matching the quoted code works on SQLite and PostgreSQL alike.
        students = students.filter(hardships__icontains=f'"{hardship}"')
    if status:
        students = students.filter(status=status)
    return students
