"""Logs never carry a pupil's or guardian's personal data (Decree 13/2023).

The code logs ids, never names. What it cannot control is the text of an exception: PostgreSQL
quotes the offending key ("Key (personal_id)=(026212000111) already exists") and the readers
quote a wrong cell's value (“Nguyễn Văn A”). This filter, on every handler, masks phone and ID
numbers, the values in database key details and anything in curly quotes, in the message and
in the traceback.
"""

from __future__ import annotations

import logging
import re

MASK = "[…]"
_PATTERNS = (
    # Phones (10 digits), personal IDs (12), pupil IDs (10), with or without a leading +84.
    (re.compile(r"(?<!\d)\+?\d{9,12}(?!\d)"), MASK),
    # PostgreSQL/SQLite detail of a constraint: the key's values.
    (re.compile(r"(Key \([^)]*\)=\()[^)]*(\))"), rf"\g<1>{MASK}\g<2>"),
    (re.compile(r"“[^”]*”"), f"“{MASK}”"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
