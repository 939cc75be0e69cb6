"""A donor pledges money on the public form and pays by scanning the VietQR on the thank-you page."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from donations import vietqr
from donations.models import Pledge, ProgrammeAccount

pytestmark = pytest.mark.django_db(transaction=True)


def _decode(png: bytes, tmp_path) -> str:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg not found (apt-get install zbar-tools)")
    path = tmp_path / "thanks.png"
    path.write_bytes(png)
    done = subprocess.run(  # noqa: S603  (a fixed tool on a file the test wrote)
        [zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout.strip()


def test_a_cash_pledge_gets_a_vietqr_that_a_decoder_reads_back(page, settings, tmp_path):
    settings.DONATIONS_MIN_FILL_SECONDS = 0
    call_command("load_reference_data", stdout=io.StringIO())
    ProgrammeAccount.objects.update_or_create(
        pk=ProgrammeAccount.get().pk,
        defaults={
            "bank_name": "Agribank chi nhánh Vĩnh Tường",
            "account_number": "2900 205 123456",
            "account_holder": "PHONG GIAO DUC VA DAO TAO HUYEN VINH TUONG",
            "transfer_note": "Ủng hộ Sóng và máy tính cho em",
        },
    )
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/ung-ho/")
    page.get_by_label("Tên đơn vị hoặc cá nhân").fill("Nguyễn Văn An")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    page.get_by_label("Tiền (đồng)").fill("2.500.000")
    page.get_by_role("button", name="Gửi đăng ký ủng hộ").click()
    code_box = page.get_by_test_id("reference-code")
    expect(code_box).to_have_text(re.compile(r"^UH-[A-Z0-9]{6}$"))
    code = code_box.inner_text()
    image = page.get_by_test_id("vietqr-image")
    expect(image).to_be_visible()

    text = _decode(page.screenshot(full_page=True), tmp_path)
    fields = vietqr.parse(text)  # raises on a wrong CRC
    assert text[-8:-4] == "6304" and text[-4:] == vietqr.crc16_ccitt_false(text[:-4])
    assert (fields["00"], fields["01"]) == ("01", "12")
    assert fields["38.00"] == "A000000727" and fields["38.02"] == "QRIBFTTA"
    assert fields["38.01.00"] == "970405"  # Agribank's NAPAS BIN, from the reference list
    assert fields["38.01.01"] == "2900205123456"
    assert (fields["53"], fields["58"]) == ("704", "VN")
    assert fields["54"] == "2500000"
    assert fields["62.08"].startswith(code + " ") and len(fields["62.08"]) <= 25
    assert Pledge.objects.get(reference_code=code).lines.get().amount_vnd == 2_500_000
    assert violations == []  # the QR is an <img> of a data: URI, which the policy allows
