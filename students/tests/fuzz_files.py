"""Mutated pupil lists through the reader, in a process of their own (python -m students.tests.fuzz_files).

Real .xlsx, .ods, .xls and .csv files built here are mutated by hypothesis:
zip members, XML attributes (cell references, repeat counts, types),
bytes, truncation, encodings. Every outcome must be rows read or a refusal in
Vietnamese: no traceback, no signal, within FUZZ_SECONDS_PER_FILE and the
address-space ceiling FUZZ_MEMORY_MB. Prints one JSON line of counts; any
failure exits 1 with the file that caused it saved in FUZZ_FAILURES_DIR.
FUZZ_EXAMPLES sets the number of files (the nightly target runs thousands).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

FORMATS = ("xlsx", "ods", "xls", "csv")


class TooSlow(Exception):
    pass


def _seeds() -> dict[str, bytes]:
    from students.tests.spreadsheet_files import BUILDERS, grid, pupil_row

    cells = grid([pupil_row(n, **{"Mã định danh": f"0262150000{n:02d}"}) for n in range(1, 6)], title_rows=[["DS"]])
    return {name: build(cells) for name, build in BUILDERS.items()}


def _rewrite_zip(data: bytes, change) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = [(item.filename, source.read(item.filename)) for item in source.infolist()]
    except Exception:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in change(members):
            target.writestr(name, content)
    return out.getvalue()


_XML_TARGETS = [
    rb'(?<=\sr=")[A-Z]+\d+(?=")',  # a cell's place
    rb'(?<=<row r=")\d+(?=")',
    rb'(?<=<dimension ref=")[^"]+(?=")',
    rb'(?<=\st=")\w+(?=")',  # a cell's type
    rb"(?<=<v>)[^<]*(?=</v>)",
    rb'(?<=number-rows-repeated=")\d+(?=")',
    rb'(?<=number-columns-repeated=")\d+(?=")',
    rb'(?<=office:value-type=")\w+(?=")',
    rb'(?<=office:value=")[^"]*(?=")',
    rb"(?<=<table:table-cell)(?=[ />])",  # room for a new attribute
    rb"(?<=<c)(?= )",
]


def _mutate(data: bytes, kind: str, mutation: tuple) -> bytes:
    action = mutation[0]
    if action == "flip":
        _, position, value = mutation
        position %= max(len(data), 1)
        return data[:position] + bytes([value]) + data[position + 1 :]
    if action == "truncate":
        return data[: mutation[1] % max(len(data), 1)]
    if action == "insert":
        _, position, blob = mutation
        position %= max(len(data), 1)
        return data[:position] + blob + data[position:]
    if action == "encoding":
        if kind != "csv":
            return data
        return data.decode("utf-8", errors="replace").encode(mutation[1], errors="replace")
    if action == "member":
        _, which, how, payload = mutation

        def change(members):
            index = which % len(members) if members else 0
            for number, (name, content) in enumerate(members):
                if number != index:
                    yield name, content
                elif how == "drop":
                    continue
                elif how == "garbage":
                    yield name, payload
                elif how == "twice":
                    yield name, content
                    yield name + "/../" + name.rsplit("/", 1)[-1], content
                else:
                    yield name, content + payload

        return _rewrite_zip(data, change) if kind in ("xlsx", "ods") else data
    if action == "xml":
        _, target, occurrence, replacement = mutation
        pattern = re.compile(_XML_TARGETS[target % len(_XML_TARGETS)])

        def change(members):
            for name, content in members:
                if name.endswith(".xml"):
                    matches = list(pattern.finditer(content))
                    if matches:
                        match = matches[occurrence % len(matches)]
                        content = content[: match.start()] + replacement + content[match.end() :]
                yield name, content

        return _rewrite_zip(data, change) if kind in ("xlsx", "ods") else data
    return data


def _strategies():
    from hypothesis import strategies as st

    replacements = st.one_of(
        st.sampled_from(
            [
                b"XFD1048576",
                b"A1048576",
                b"XFD1",
                b"1048576",
                b"2147483647",
                b"99999999999",
                b"0",
                b"-1",
                b"A",
                b"",
                b"s",
                b"str",
                b"inlineStr",
                b"e",
                b"float",
                b"date",
                b"&#0;",
                b"\xff\xfe",
                b' table:number-rows-repeated="1048576"',
                b' table:number-columns-repeated="16384"',
                b' r="ZZZ9"',
                b' office:value-type="string"',
            ]
        ),  # fmt: skip
        st.binary(max_size=12),
    )
    mutation = st.one_of(
        st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 255)),
        st.tuples(st.just("truncate"), st.integers(0, 1 << 20)),
        st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("encoding"), st.sampled_from(["utf-16", "cp1258", "latin-1", "utf-8-sig", "utf-32"])),
        st.tuples(
            st.just("member"),
            st.integers(0, 20),
            st.sampled_from(["drop", "garbage", "twice", "append"]),
            st.binary(max_size=64),
        ),
        st.tuples(st.just("xml"), st.integers(0, 50), st.integers(0, 500), replacements),
    )
    return st.sampled_from(FORMATS), st.lists(mutation, min_size=1, max_size=3)


def _vietnamese(message: str) -> bool:
    return bool(message) and not message.isascii()


def run(examples: int, seconds: int, failures: Path) -> Counter:
    from django.utils import translation
    from hypothesis import HealthCheck, given, settings

    from students.importing import SchoolDirectory, read_rows

    seeds = _seeds()
    outcomes: Counter = Counter()
    formats, mutations = _strategies()

    def _alarm(_signum, _frame):
        raise TooSlow

    signal.signal(signal.SIGALRM, _alarm)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
        suppress_health_check=list(HealthCheck),
    )
    @given(formats, mutations)
    def one_file(kind, changes):
        data = seeds[kind]
        for mutation in changes:
            data = _mutate(data, kind, mutation)
        signal.alarm(seconds)
        try:
            with translation.override("vi"):
                result = read_rows(io.BytesIO(data), f"ds.{kind}", SchoolDirectory([]))
        except BaseException as error:
            failures.mkdir(parents=True, exist_ok=True)
            (failures / f"failure.{kind}").write_bytes(data)
            raise AssertionError(f"{kind}: {type(error).__name__}: {error}") from error
        finally:
            signal.alarm(0)
        if result.file_error:
            assert _vietnamese(result.file_error), result.file_error
            outcomes[f"{kind} refused"] += 1
        else:
            assert all(_vietnamese(e.message) for e in result.errors), [e.message for e in result.errors][:3]
            outcomes[f"{kind} read"] += 1

    one_file()
    return outcomes


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinhtuong_program.settings")
    import django

    django.setup()
    from common.process_limits import limit_memory

    limit_memory(int(os.environ.get("FUZZ_MEMORY_MB", "2048")))
    examples = int(os.environ.get("FUZZ_EXAMPLES", "60"))
    seconds = int(os.environ.get("FUZZ_SECONDS_PER_FILE", "30"))
    failures = Path(os.environ.get("FUZZ_FAILURES_DIR", Path(tempfile.gettempdir()) / "vinhtuong-fuzz-failures"))
    try:
        outcomes = run(examples, seconds, failures)
    except AssertionError as error:
        print(f"FUZZ FAILURE: {error}", file=sys.stderr)
        return 1
    print(json.dumps(dict(sorted(outcomes.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
