"""The extent of each sheet of an .xls (BIFF8 in an OLE2 compound file), from its records.

Only what sheet_extent needs: the Workbook stream, each sheet's DIMENSIONS
record and every cell record's row and column. Damage is a SpreadsheetError;
every loop is bounded by the file's own size.
"""

from __future__ import annotations

import struct

from django.utils.translation import gettext as _

from common.spreadsheets.sheet_extent import Extent
from common.spreadsheets.table import SpreadsheetError

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_BOF, _EOF, _DIMENSIONS = 0x0809, 0x000A, 0x0200
# Records that hold one cell and start with (row, column).
_ONE_CELL = {0x0006, 0x00FD, 0x0203, 0x0204, 0x027E, 0x0205, 0x0201, 0x00D6, 0x0406}
_MULTI_CELL = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, ..., last column
_BLANKS = {0x0201, 0x00BE}


def _damaged() -> SpreadsheetError:
    return SpreadsheetError(_("The file is damaged or is not a spreadsheet."))


class _Compound:
    def __init__(self, data: bytes):
        if len(data) < 512:
            raise _damaged()
        self.data = data
        self.sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
        if self.sector not in (512, 4096) or self.mini_sector != 64:
            raise _damaged()
        self.sectors = (len(data) - 512) // self.sector + 1
        fat_count, self.directory_start = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, minifat_start, minifat_count, difat_start, difat_count = struct.unpack_from("<IIIII", data, 0x38)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < self.sectors]
        seen = set()
        while difat_start < self.sectors and difat_start not in seen and len(fat_sectors) < fat_count:
            seen.add(difat_start)
            block = self._sector(difat_start)
            entries = struct.unpack(f"<{self.sector // 4}I", block)
            fat_sectors += [s for s in entries[:-1] if s < self.sectors]
            difat_start = entries[-1]
        self.fat: list[int] = []
        for number in fat_sectors[:fat_count]:
            self.fat += struct.unpack(f"<{self.sector // 4}I", self._sector(number))
        self.minifat_start = minifat_start

    def _sector(self, number: int) -> bytes:
        offset = 512 + number * self.sector
        block = self.data[offset : offset + self.sector]
        if len(block) < self.sector:
            raise _damaged()
        return block

    def chain(self, start: int, table: list[int]) -> list[int]:
        numbers, seen = [], set()
        while start not in (_END_OF_CHAIN, _FREE):
            if start >= len(table) or start in seen:
                raise _damaged()
            seen.add(start)
            numbers.append(start)
            start = table[start]
        return numbers

    def stream(self, name_wanted: tuple[str, ...]) -> bytes:
        directory = b"".join(self._sector(n) for n in self.chain(self.directory_start, self.fat))
        root = None
        for offset in range(0, len(directory) - 127, 128):
            entry = directory[offset : offset + 128]
            length = struct.unpack_from("<H", entry, 64)[0]
            name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
            kind = entry[66]
            start, size = struct.unpack_from("<II", entry, 116)
            if kind == 5:
                root = (start, size)
            elif kind == 2 and name in name_wanted:
                if size < self.cutoff and root is not None:
                    return self._mini_stream(root, start, size)
                return b"".join(self._sector(n) for n in self.chain(start, self.fat))[:size]
        raise _damaged()

    def _mini_stream(self, root: tuple[int, int], start: int, size: int) -> bytes:
        container = b"".join(self._sector(n) for n in self.chain(root[0], self.fat))
        minifat_data = b"".join(self._sector(n) for n in self.chain(self.minifat_start, self.fat))
        minifat = list(struct.unpack(f"<{len(minifat_data) // 4}I", minifat_data))
        pieces = []
        for number in self.chain(start, minifat):
            offset = number * self.mini_sector
            pieces.append(container[offset : offset + self.mini_sector])
        return b"".join(pieces)[:size]


def xls_extents(data: bytes) -> list[Extent]:
    """One extent per worksheet substream, each the larger of DIMENSIONS and the cells."""
    stream = _Compound(data).stream(("Workbook", "Book"))
    extents: list[Extent] = []
    current: Extent | None = None
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        position += 4 + length
        if kind == _BOF:
            current = Extent()
            extents.append(current)
        elif current is None:
            continue
        elif kind == _DIMENSIONS and len(body) >= 12:
            _first_row, last_row, _first_column, last_column = struct.unpack_from("<IIHH", body)
            current.rows = max(current.rows, last_row)
            current.columns = max(current.columns, last_column)
        elif kind in _ONE_CELL and len(body) >= 4 and kind not in _BLANKS:
            row, column = struct.unpack_from("<HH", body)
            current.add(row + 1, column + 1)
        elif kind in _MULTI_CELL and len(body) >= 6 and kind not in _BLANKS:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            current.add(row + 1, last + 1, max(last - first + 1, 0))
    return extents
