"""The text of generated documents, read back as a person's viewer would show it."""

from __future__ import annotations

import io

from docx import Document
from pypdf import PdfReader


def docx_text(source) -> str:
    """Every paragraph, then every table cell, one a line; `source` is the file's bytes or a python-docx Document."""
    doc = Document(io.BytesIO(source)) if isinstance(source, bytes) else source
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
