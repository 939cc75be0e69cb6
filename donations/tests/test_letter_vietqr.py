"""The thank-you letter writes amounts in words and carries the VietQR of what is still owed."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document

from donations import ledger, vietqr
from donations.letters import thank_you_docx
from donations.models import ProgrammeAccount
from donations.tests.factories import PledgeLineFactory

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_the_letter_gives_money_received_in_words_and_a_qr_for_the_rest(tmp_path):
    ProgrammeAccount.objects.create(bank_name="Vietcombank", account_number="0123456789012", account_holder="PHONG GD")
    line = PledgeLineFactory(amount_vnd=5_000_000)
    ledger.receipt_record(received_on=date(2021, 9, 23), amount_vnd=2_500_000, payer="X", pledge_line=line)
    content = thank_you_docx(line.pledge)
    text = _text(content)
    assert "2.500.000 đồng (Bằng chữ: Hai triệu năm trăm nghìn đồng)" in text
    assert "còn chưa chuyển: 2.500.000 đồng" in text
    document = Document(io.BytesIO(content))
    images = [part for part in document.part.related_parts.values() if part.content_type == "image/png"]
    assert len(images) == 1
    zbarimg = shutil.which("zbarimg")
    if zbarimg:
        path = tmp_path / "qr.png"
        path.write_bytes(images[0].blob)
        out = subprocess.run([zbarimg, "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True)  # noqa: S603
        fields = vietqr.parse(out.stdout.strip())
        assert fields["38.01.00"] == "970436" and fields["54"] == "2500000"
        assert fields["62.08"].startswith(line.pledge.reference_code)


def test_no_qr_when_the_account_is_not_usable_or_nothing_is_owed():
    ProgrammeAccount.objects.create(bank_name="[DEMO] Ngân hàng thử", account_number="0000 0000 2021")
    line = PledgeLineFactory(amount_vnd=5_000_000)
    document = Document(io.BytesIO(thank_you_docx(line.pledge)))
    assert not [p for p in document.part.related_parts.values() if p.content_type == "image/png"]
    assert "VietQR" not in _text(thank_you_docx(line.pledge))
