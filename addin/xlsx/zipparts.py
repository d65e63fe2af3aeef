"""Copying a zip package part by part: untouched parts byte for byte, changed parts streamed.

An .xlsx is a zip of XML parts. When only a few parts change, the rest need neither be inflated
nor deflated again: ``PartWriter.copy_raw`` copies a member's compressed bytes as they are (with
a fresh local header), and ``PartWriter.write`` deflates a new or changed part from chunks, so no
part is ever held whole in memory. Only what Excel and LibreOffice write is supported: no zip64,
no encryption; ``UnsupportedPackage`` says so and the caller falls back to the slow path.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

LOCAL_HEADER = struct.Struct("<4s5H3L2H")
CENTRAL_HEADER = struct.Struct("<4s6H3L5H2L")
END_RECORD = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFFFFFF
CHUNK = 1 << 20
# Level 1 deflates sheet XML three times faster than the default 6 for a quarter more bytes; only
# rewritten parts pay it, and Excel re-deflates on its next save anyway.
FAST_LEVEL = 1


class UnsupportedPackage(Exception):
    """The package uses something this writer does not handle; use the openpyxl path instead."""


def read_chunks(archive: zipfile.ZipFile, name: str, size: int = CHUNK) -> Iterator[bytes]:
    with archive.open(name) as part:
        while True:
            chunk = part.read(size)
            if not chunk:
                return
            yield chunk


class PartWriter:
    """Writes a zip part by part to an open, seekable file; ``close`` adds the directory."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.central: list[bytes] = []
        self.names: set[str] = set()

    def _local_header(self, name: bytes, flags: int, method: int, time: int, day: int, crc: int,
                      csize: int, usize: int) -> bytes:
        return LOCAL_HEADER.pack(b"PK\x03\x04", 20, flags, method, time, day, crc, csize, usize,
                                 len(name), 0) + name

    def _record(self, name: bytes, flags: int, method: int, time: int, day: int, crc: int,
                csize: int, usize: int, offset: int) -> None:
        if max(csize, usize, offset) >= _LIMIT:
            raise UnsupportedPackage("zip64")
        self.central.append(CENTRAL_HEADER.pack(
            b"PK\x01\x02", 20, 20, flags, method, time, day, crc, csize, usize, len(name), 0, 0, 0,
            0, 0, offset) + name)

    def _claim(self, name: str) -> bytes:
        if name in self.names:
            raise ValueError(f"part {name} written twice")
        self.names.add(name)
        return name.encode("utf-8")

    def copy_raw(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy ``info``'s compressed bytes from ``source`` (the archive's file) unchanged."""
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                              zipfile.ZIP_DEFLATED):
            raise UnsupportedPackage("encrypted or unusual compression")
        source.seek(info.header_offset)
        fixed = source.read(LOCAL_HEADER.size)
        if len(fixed) != LOCAL_HEADER.size or fixed[:4] != b"PK\x03\x04":
            raise UnsupportedPackage("bad local header")
        fields = LOCAL_HEADER.unpack(fixed)
        source.seek(fields[-2] + fields[-1], 1)
        name = self._claim(info.filename)
        flags = (info.flag_bits & ~0x08) | 0x800
        time = (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2)
        day = ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2]
        offset = self.fh.tell()
        self._record(name, flags, info.compress_type, time, day, info.CRC, info.compress_size,
                     info.file_size, offset)
        self.fh.write(self._local_header(name, flags, info.compress_type, time, day, info.CRC,
                                         info.compress_size, info.file_size))
        remaining = info.compress_size
        while remaining:
            block = source.read(min(CHUNK, remaining))
            if not block:
                raise UnsupportedPackage("truncated member")
            self.fh.write(block)
            remaining -= len(block)

    def write(self, name: str, chunks: Iterable[bytes], level: int = 6) -> None:
        """Deflate a part from ``chunks`` (bytes), streaming."""
        encoded = self._claim(name)
        flags, method, time, day = 0x800, zipfile.ZIP_DEFLATED, 0, (1 << 5) | 1  # 1980-01-01
        offset = self.fh.tell()
        self.fh.write(self._local_header(encoded, flags, method, time, day, 0, 0, 0))
        deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        crc = usize = csize = 0
        for chunk in chunks:
            if not chunk:
                continue
            crc = zlib.crc32(chunk, crc)
            usize += len(chunk)
            out = deflate.compress(chunk)
            csize += len(out)
            self.fh.write(out)
        out = deflate.flush()
        csize += len(out)
        self.fh.write(out)
        end = self.fh.tell()
        self.fh.seek(offset)
        self.fh.write(self._local_header(encoded, flags, method, time, day, crc, csize, usize))
        self.fh.seek(end)
        self._record(encoded, flags, method, time, day, crc, csize, usize, offset)

    def close(self) -> None:
        start = self.fh.tell()
        for record in self.central:
            self.fh.write(record)
        size = self.fh.tell() - start
        count = len(self.central)
        if count > 0xFFFF:
            raise UnsupportedPackage("too many parts")
        self.fh.write(END_RECORD.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
