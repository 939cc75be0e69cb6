"""`python manage.py progress_report` writes each format to a file, a pipe, never a terminal."""

import io
import json
import os
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from students.tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


MAGIC = {"xlsx": b"PK\x03\x04", "docx": b"PK\x03\x04", "pdf": b"%PDF"}


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_each_file_format_is_written_to_the_file_given(tmp_path, commune_a, fmt):
    StudentFactory(commune=commune_a)
    out = tmp_path / f"report.{fmt}"
    call_command("progress_report", "--format", fmt, "-o", str(out))
    assert out.read_bytes().startswith(MAGIC[fmt])


def _through_a_pipe(*args: str) -> bytes:
    """Runs the command with its standard output on a real pipe, read by another thread as a shell would."""
    read_end, write_end = os.pipe()
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(read_end, 65536), b"")))
    reader.start()
    with open(write_end, "w", encoding="utf-8") as pipe:
        call_command("progress_report", *args, stdout=pipe)
    reader.join(timeout=30)
    os.close(read_end)
    return b"".join(chunks)


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_without_a_file_the_bytes_go_to_a_pipe(commune_a, fmt):
    StudentFactory(commune=commune_a)
    content = _through_a_pipe("--format", fmt)
    assert content.startswith(MAGIC[fmt])
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Tổng hợp"
    elif fmt == "docx":
        assert any(p.text == "BÁO CÁO" for p in Document(io.BytesIO(content)).paragraphs)
    else:
        assert "BÁO CÁO" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_a_file_format_is_not_written_to_a_terminal(db):
    controller, terminal = os.openpty()
    try:
        with open(terminal, "w", encoding="utf-8") as tty, pytest.raises(CommandError, match="-o FILE"):
            call_command("progress_report", "--format", "pdf", stdout=tty)
    finally:
        os.close(controller)


def test_the_json_still_goes_to_standard_output(commune_a):
    StudentFactory(commune=commune_a)
    assert json.loads(_through_a_pipe("--format", "json"))["students"]["in_need"] == 1


def test_as_of_a_past_day_the_documents_say_up_to_the_end_of_that_day(tmp_path, commune_a):
    StudentFactory(commune=commune_a)
    day = timezone.localdate() - timedelta(days=1)
    out = tmp_path / "report.docx"
    call_command("progress_report", "--format", "docx", "--as-of", day.isoformat(), "-o", str(out))
    words = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert f"số liệu tính đến hết ngày {day:%d/%m/%Y}" in words
    # Nothing existed at the end of yesterday: the pupil was listed today.
    assert "theo danh sách: 0 em" in words
