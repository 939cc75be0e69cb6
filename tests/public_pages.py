"""The pages of issue 8's accessibility and HTML checks, and the data that fills them.

Both the HTML validation (Django test client) and the browser checks (axe-core, a 360 px phone)
walk the same pages in the same states, so a page added here is checked by all of them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.core.management import call_command

from allocation.models import Support
from donations.models import Device, ProgrammeAccount
from donations.tests.factories import DeviceFactory, DeviceLineFactory, PledgeLineFactory
from reports.models import Feedback
from reports.tests.factories import FeedbackFactory
from students.models import Commune, Student, StudentUpload
from students.tests.factories import StudentFactory
from telecom.models import Provider
from telecom.tests.factories import ZeroRatingFactory
from vinhtuong_program.core import roles
from vinhtuong_program.core.tests.factories import PASSWORD, make_user

PLEDGE_PHONE = "0912345678"
FEEDBACK_PHONE = "0987654321"
OFFICIAL = "xa_a11y"


@dataclass(frozen=True)
class Scene:
    pledge_code: str
    feedback_code: str
    commune_code: str
    official: str = OFFICIAL
    password: str = PASSWORD

    @property
    def upload_url(self) -> str:
        return f"/can-bo/xa/{self.commune_code}/tai-len/"


def build_scene() -> Scene:
    """Every public page with something in it: figures, a donor roll, a pledge and a report to look up."""
    call_command("load_reference_data", stdout=io.StringIO())
    commune = Commune.objects.order_by("code").first()
    pupils = [StudentFactory(commune=commune, status=Student.Status.VERIFIED) for _ in range(2)]
    line = DeviceLineFactory(
        device_type="tablet",
        quantity=2,
        pledge__donor__name="Công ty Cổ phần Minh Bạch",
        pledge__donor__phone=PLEDGE_PHONE,
    )
    line.pledge.donor.publish_consent = True
    line.pledge.donor.save()
    PledgeLineFactory(pledge=line.pledge, amount_vnd=5_000_000)
    # A usable account: the lookup page shows the VietQR of the 5.000.000 ₫ still owed.
    ProgrammeAccount.objects.create(bank_name="Agribank", account_number="2900205123456", account_holder="PHONG GD&DT")
    device = DeviceFactory(device_type="tablet", pledge_line=line, pledge=line.pledge, status=Device.Status.READY)
    Support.objects.create(student=pupils[0], device=device, status=Support.Status.APPROVED)
    PledgeLineFactory(amount_vnd=2_500_000, pledge__donor__name="Bà Không Công Khai")
    feedback = FeedbackFactory(
        commune=commune,
        reporter_phone=FEEDBACK_PHONE,
        status=Feedback.Status.RESOLVED,
        response="Đã bổ sung em vào danh sách của xã.",
    )
    ZeroRatingFactory(platform__name="OLM", provider=Provider.objects.get(code="viettel"), since=date(2021, 9, 15))
    official = make_user(roles.COMMUNE_OFFICIAL, OFFICIAL, commune=commune)
    StudentUpload.objects.create(
        commune=commune,
        uploaded_by=official,
        original_name="danh-sach.xlsx",
        status=StudentUpload.Status.INVALID,
        error_count=3,
    )
    return Scene(pledge_code=line.pledge.reference_code, feedback_code=feedback.code, commune_code=commune.code)
