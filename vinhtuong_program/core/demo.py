"""Plausible but invented data for demonstrations and manual testing.

Every school code starts with DEMO- and every donor name with [DEMO], so demo
rows are easy to recognise (and to delete) should they ever reach a real
database; `load_demo_data` refuses to run unless DJANGO_DEBUG is on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from allocation.demo import allocation_demo_load
from common.text import fold
from donations import ledger
from donations.models import DeviceCondition, DeviceType, Donor, Pledge, PledgeLine, ProgrammeAccount
from donations.pledges import LineData, devices_receive, pledge_create
from reports.demo import feedback_demo_load
from students.models import (
    Commune,
    DuplicateCandidate,
    Hamlet,
    Hardship,
    School,
    SchoolLevel,
    Student,
    StudentUpload,
)
from telecom.demo import telecom_demo_load
from telecom.models import Provider
from vinhtuong_program.core.models import UserProfile
from vinhtuong_program.core.roles import (
    ACCOUNTANT,
    COMMUNE_OFFICIAL,
    EDUCATION_OFFICE,
    LEADERSHIP,
    TELECOM_STAFF,
    Role,
)

DEMO_PASSWORD = "demo-2021"  # noqa: S105  # nosec B105  # printed for demo logins; DEBUG only
DEMO_SCHOOL_PREFIX = "DEMO-"

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Phan"]
MIDDLE_NAMES = {"male": ["Văn", "Đức", "Minh", "Quang", "Hữu"], "female": ["Thị", "Ngọc", "Thu", "Thanh", "Phương"]}
GIVEN_NAMES = {
    "male": ["An", "Bình", "Dũng", "Hải", "Khánh", "Nam", "Phúc", "Quân", "Tuấn", "Việt", "Long", "Sơn"],
    "female": ["Anh", "Chi", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngân", "Trang", "Yến", "Hoa", "Thảo"],
}
HARDSHIPS = [Hardship.POOR, Hardship.NEAR_POOR, Hardship.COVID_ORPHAN, Hardship.MERIT, Hardship.OTHER]
# Upper-secondary schools named in public lists (reference/FACTS.md); their
# communes here are a guess, which is one more reason this is demo data.
UPPER_SECONDARY = [
    ("Trường THPT Lê Xoay", "09076"),
    ("Trường THPT Vĩnh Tường", "09145"),
    ("Trường THPT Đội Cấn", "09112"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    commune_code: str = ""
    provider_code: str = ""


DEMO_USERS = [
    DemoUser("phonggd", "Nguyễn Minh Đức", EDUCATION_OFFICE),
    DemoUser("ketoan", "Vũ Thị Hạnh", ACCOUNTANT),
    DemoUser("lanhdao", "Hoàng Văn Thắng", LEADERSHIP),
    DemoUser("xa_vinhtuong", "Đặng Văn Hùng", COMMUNE_OFFICIAL, commune_code="09076"),
    DemoUser("xa_kimxa", "Trần Thị Hoa", COMMUNE_OFFICIAL, commune_code="09079"),
    DemoUser("viettel", "Phạm Minh Tuấn", TELECOM_STAFF, provider_code="viettel"),
    DemoUser("vnpt", "Đỗ Thu Trang", TELECOM_STAFF, provider_code="vnpt"),
]


def demo_data_present() -> bool:
    return School.objects.filter(code__startswith=DEMO_SCHOOL_PREFIX).exists()


def _create_users() -> None:
    User = get_user_model()
    for demo in DEMO_USERS:
        # Vietnamese order: family name first; Django greets by first_name, the given name.
        family, _, given = demo.full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={"first_name": given, "last_name": family, "is_staff": demo.role.uses_admin},
        )
        if not created:
            continue  # an account someone made by hand keeps its password and groups
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=demo.role.group_name))
        UserProfile.objects.update_or_create(
            user=user,
            defaults={
                "commune": Commune.objects.filter(code=demo.commune_code).first(),
                "provider": Provider.objects.filter(code=demo.provider_code).first(),
            },
        )


def _birth_date(rng: random.Random, grade: int) -> date:
    # A pupil in grade g in September 2021 was born in 2021 - 6 - g.
    return date(2015 - grade, rng.randint(1, 12), rng.randint(1, 28))


def _personal_id(rng: random.Random, birth: date, gender: str) -> str:
    century_sex = "2" if gender == "male" else "3"
    return f"026{century_sex}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"


def _demo_name(rng: random.Random, gender: str) -> str:
    return " ".join([rng.choice(FAMILY_NAMES), rng.choice(MIDDLE_NAMES[gender]), rng.choice(GIVEN_NAMES[gender])])


def _students_for(rng, commune, hamlets, schools_by_level) -> list[Student]:
    students = []
    for _ in range(rng.randint(4, 12)):
        level = rng.choice(
            [SchoolLevel.PRIMARY, SchoolLevel.PRIMARY, SchoolLevel.LOWER_SECONDARY, SchoolLevel.UPPER_SECONDARY]
        )
        grade = {SchoolLevel.PRIMARY: rng.randint(1, 5), SchoolLevel.LOWER_SECONDARY: rng.randint(6, 9)}.get(
            level, rng.randint(10, 12)
        )
        gender = rng.choice(["male", "female"])
        birth = _birth_date(rng, grade)
        need = rng.choice(["device", "internet", "both", "both"])
        full_name = _demo_name(rng, gender)
        students.append(
            Student(
                commune=commune,
                hamlet=rng.choice(hamlets),
                school=rng.choice(schools_by_level[level]),
                full_name=full_name,
                name_key=fold(full_name),
                birth_date=birth,
                gender=gender,
                personal_id=_personal_id(rng, birth, gender) if rng.random() < 0.8 else "",
                class_name=f"{grade}{rng.choice('ABCD')}",
                level=level,
                guardian_name=f"{rng.choice(FAMILY_NAMES)} Văn {rng.choice(GIVEN_NAMES['male'])}",
                guardian_phone=f"09{rng.choice('678')}{rng.randint(0, 9999999):07d}",
                lacks_device=need in ("device", "both"),
                lacks_internet=need in ("internet", "both"),
                hardships=rng.sample(HARDSHIPS, k=rng.randint(0, 2)),
                status=rng.choice([Student.Status.LISTED, Student.Status.VERIFIED]),
            )
        )
    return students


def _create_pupils(rng: random.Random) -> int:
    communes = list(Commune.objects.all())
    upper = [
        School.objects.create(
            code=f"{DEMO_SCHOOL_PREFIX}THPT-{index}",
            name=name,
            level=SchoolLevel.UPPER_SECONDARY,
            commune=Commune.objects.get(code=code),
        )
        for index, (name, code) in enumerate(UPPER_SECONDARY, start=1)
    ]
    students: list[Student] = []
    for commune in communes:
        hamlets = [Hamlet.objects.create(commune=commune, name=f"Thôn {number}") for number in range(1, 5)]
        schools_by_level = {
            SchoolLevel.PRIMARY: [
                School.objects.create(
                    code=f"{DEMO_SCHOOL_PREFIX}TH-{commune.code}",
                    name=f"Trường Tiểu học {commune.name}",
                    level=SchoolLevel.PRIMARY,
                    commune=commune,
                )
            ],
            SchoolLevel.LOWER_SECONDARY: [
                School.objects.create(
                    code=f"{DEMO_SCHOOL_PREFIX}THCS-{commune.code}",
                    name=f"Trường THCS {commune.name}",
                    level=SchoolLevel.LOWER_SECONDARY,
                    commune=commune,
                )
            ],
            SchoolLevel.UPPER_SECONDARY: upper,
        }
        students += _students_for(rng, commune, hamlets, schools_by_level)
    bulk_create_with_history(students, Student, batch_size=500)
    return len(students) + _create_possible_duplicates(rng)


def _create_possible_duplicates(rng: random.Random) -> int:
    """Two pupils listed again by a neighbouring commune, held for the education office to decide."""
    kim_xa = Commune.objects.get(code="09079")
    upload = StudentUpload.objects.create(
        commune=kim_xa,
        uploaded_by=get_user_model().objects.filter(username="xa_kimxa").first(),
        original_name="[DEMO] danh-sach-hoc-sinh-kim-xa.xlsx",
        status=StudentUpload.Status.IMPORTED,
        rows_total=2,
        rows_done=2,
        created_count=2,
        held_count=2,
        message="Dữ liệu mẫu.",
    )
    originals = [
        Student.objects.filter(commune__code="09076", status=Student.Status.LISTED).exclude(personal_id="").first(),
        Student.objects.filter(commune__code="09076", status=Student.Status.LISTED, personal_id="").first()
        or Student.objects.filter(commune__code="09076", status=Student.Status.LISTED).last(),
    ]
    held = 0
    for row, original in enumerate(filter(None, originals), start=4):
        copy = Student.objects.create(
            commune=kim_xa,
            hamlet=kim_xa.hamlets.first(),
            school=original.school,
            full_name=original.full_name,
            name_key=original.name_key,
            birth_date=original.birth_date,
            gender=original.gender,
            personal_id=original.personal_id,
            class_name=original.class_name,
            level=original.level,
            guardian_name=original.guardian_name,
            guardian_phone=f"09{rng.choice('678')}{rng.randint(0, 9999999):07d}",
            lacks_device=True,
            lacks_internet=original.lacks_internet,
            status=Student.Status.HELD,
            upload=upload,
            source_row=row,
        )
        reason = (
            DuplicateCandidate.Reason.PERSONAL_ID if original.personal_id else DuplicateCandidate.Reason.NAME_BIRTH_DATE
        )
        DuplicateCandidate.objects.create(existing=original, candidate=copy, reason=reason)
        held += 1
    return held


def _create_donations() -> int:
    donors = _demo_donors()
    pledges = _demo_pledges(donors)
    _demo_account()
    _demo_receipts_and_devices(donors, pledges)
    return Pledge.objects.filter(donor__in=donors.values()).count()


def _demo_donors() -> dict[str, Donor]:
    return {
        "front": Donor.objects.create(
            kind=Donor.Kind.ASSOCIATION, name="[DEMO] Ủy ban MTTQ huyện Vĩnh Tường", publish_consent=True
        ),
        "business": Donor.objects.create(
            kind=Donor.Kind.BUSINESS,
            name="[DEMO] Công ty TNHH Minh Phát",
            contact_person="Trần Văn Minh",
            phone="0912345678",
            publish_consent=True,
        ),
        "citizen": Donor.objects.create(kind=Donor.Kind.INDIVIDUAL, name="[DEMO] Một nhà hảo tâm", phone="0987654321"),
        "viettel": Donor.objects.create(kind=Donor.Kind.TELECOM, name="[DEMO] Viettel Vĩnh Phúc", publish_consent=True),
        "budget": Donor.objects.create(kind=Donor.Kind.FUND, name="[DEMO] Quỹ Khuyến học huyện", publish_consent=True),
    }


def _demo_pledges(donors: dict[str, Donor]) -> dict[str, Pledge]:
    cash, budget = PledgeLine.Kind.CASH, PledgeLine.Kind.BUDGET
    front = pledge_create(donor=donors["front"], lines=[LineData(kind=cash, amount_vnd=150_000_000)])
    business = pledge_create(
        donor=donors["business"],
        lines=[
            LineData(kind=cash, amount_vnd=50_000_000),
            LineData(
                kind=PledgeLine.Kind.DEVICE,
                device_type=DeviceType.LAPTOP,
                quantity=20,
                condition=DeviceCondition.NEW,
                specification="Máy tính xách tay, Core i3, RAM 8 GB",
            ),
        ],
        earmark_commune=Commune.objects.filter(code="09079").first(),
    )
    citizen = pledge_create(
        donor=donors["citizen"],
        lines=[LineData(kind=PledgeLine.Kind.DEVICE, device_type=DeviceType.SMARTPHONE, quantity=3, condition="used")],
        channel=Pledge.Channel.PUBLIC_FORM,
    )
    pledge_create(
        donor=donors["viettel"],
        lines=[LineData(kind=PledgeLine.Kind.TELECOM, offer="SIM 4G miễn phí 4 GB/ngày", quantity=300, months=3)],
    )
    fund = pledge_create(
        donor=donors["budget"],
        lines=[LineData(kind=budget, amount_vnd=100_000_000, fund_source="[DEMO] Quỹ Khuyến học huyện")],
    )
    return {"front": front, "business": business, "citizen": citizen, "fund": fund}


def _demo_account() -> None:
    ProgrammeAccount.objects.update_or_create(
        pk=1,
        defaults={
            "bank_name": "[DEMO] Ngân hàng thử nghiệm — chi nhánh Vĩnh Tường",
            "account_number": "0000 0000 2021",
            "account_holder": "[DEMO] Phòng GD&ĐT huyện Vĩnh Tường",
            "transfer_note": "Ung ho Song va may tinh cho em",
        },
    )


def _demo_receipts_and_devices(donors: dict[str, Donor], pledges: dict[str, Pledge]) -> None:
    """Money received and spent, and devices received, on the demo pledges."""
    cash = PledgeLine.Kind.CASH
    front, business, citizen, fund = pledges["front"], pledges["business"], pledges["citizen"], pledges["fund"]
    day = date(2021, 9, 23)
    ledger.receipt_record(
        received_on=day, amount_vnd=150_000_000, payer=donors["front"].name, pledge_line=front.lines.get()
    )
    ledger.receipt_record(
        received_on=day,
        amount_vnd=20_000_000,
        payer=donors["business"].name,
        pledge_line=business.lines.get(kind=cash),
    )
    ledger.receipt_record(
        received_on=day, amount_vnd=100_000_000, payer="[DEMO] Quỹ Khuyến học huyện", pledge_line=fund.lines.get()
    )
    ledger.spending_record(
        spent_on=date(2021, 9, 24),
        category="devices",
        description="[DEMO] 10 máy tính bảng",
        supplier="[DEMO] Cửa hàng Tin học Vĩnh Tường",
        invoice_number="0001234",
        amount_vnd=35_000_000,
        device_type=DeviceType.TABLET,
        quantity=10,
        storage_place="Kho Phòng GD&ĐT",
    )
    devices_receive(
        line=business.lines.get(kind=PledgeLine.Kind.DEVICE),
        count=12,
        received_on=day,
        serials=[f"DEMO-LT-{n:03d}" for n in range(1, 13)],
        brand_model="Dell Vostro 3400",
        storage_place="Kho Phòng GD&ĐT",
    )
    devices_receive(line=citizen.lines.get(), count=2, received_on=day, storage_place="Kho Phòng GD&ĐT")


@transaction.atomic
def demo_data_load(seed: int = 2021) -> dict[str, int]:
    """Create demo users, schools, hamlets, pupils, donors and pledges; returns counts."""
    rng = random.Random(seed)  # nosec B311  # repeatable invented demo data, nothing secret
    _create_users()
    counts = {"pupils": _create_pupils(rng), "pledges": _create_donations(), "users": len(DEMO_USERS)}
    telecom_demo_load(rng)
    counts["supports"] = allocation_demo_load()
    counts["feedback"] = feedback_demo_load()
    return counts
