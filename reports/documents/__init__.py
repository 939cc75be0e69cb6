"""The 30/9 progress report as files: `render(report, fmt)` for json, xlsx, docx and pdf.

`report` is `reports.progress.build_progress_report()`'s dict; nothing here queries the
database, so the files grow with communes and schools, never with pupils. The documents
are in Vietnamese whatever the request's language.
"""

from __future__ import annotations

import json

from django.utils import translation

FORMATS = ("json", "xlsx", "docx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}.")


def content_type(fmt: str) -> str:
    _check(fmt)
    return CONTENT_TYPES[fmt]


def filename(report: dict, fmt: str) -> str:
    """'bao-cao-tien-do-2021-09-30.xlsx', from the day the figures describe."""
    _check(fmt)
    return f"bao-cao-tien-do-{report['as_of']}.{fmt}"


def render(report: dict, fmt: str) -> bytes:
    _check(fmt)
    if fmt == "json":
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    from reports.documents import docx, pdf, xlsx

    writer = {"xlsx": xlsx.render, "docx": docx.render, "pdf": pdf.render}[fmt]
    with translation.override("vi"):
        return writer(report)
