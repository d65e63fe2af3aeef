"""The QR code drawn fast is segno's QR code: the same symbol bit for bit, the same pixels.

``qr_symbol`` lets segno encode and scores the eight data masks itself (ISO/IEC 18004:2015
§7.8.3, with segno's reading of the rules); these tests hold it to segno's own ``mask_scores`` on
random matrices, to ``segno.make`` on thousands of links, and to segno's PNG writer pixel for
pixel. The decoded link is checked with a real QR reader in test_cert_qr.py (zbarimg).
"""

from __future__ import annotations

import io
import random
import string
import struct
import zlib

import numpy as np
import pytest
import segno
from segno import encoder

from addin.certificates import qr_symbol
from addin.certificates.qr import QR_SCALE, qr_png


def _idat(png: bytes) -> tuple[bytes, bytes]:
    """(IHDR, the decompressed image data) of a PNG: its pixels and filters, whatever the
    compression level."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, header, data = 8, b"", b""
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos:pos + 4])
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + size]
        assert struct.unpack(">I", png[pos + 8 + size:pos + 12 + size])[0] == \
            zlib.crc32(kind + body)
        header, data = (body, data) if kind == b"IHDR" else \
            (header, data + body) if kind == b"IDAT" else (header, data)
        pos += 12 + size
    return header, zlib.decompress(data)


def _segno_png(text: str, scale: int = QR_SCALE) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def _scores(candidate: np.ndarray) -> tuple[int, int, int, int]:
    c = candidate[None]
    return (int(qr_symbol._runs_score(c)[0] + qr_symbol._runs_score(c.transpose(0, 2, 1))[0]),
            int(qr_symbol._blocks_score(c)[0]), int(qr_symbol._finder_like_score(c)[0]),
            int(qr_symbol._balance_score(c)[0]))


def test_each_penalty_is_segnos_on_random_matrices():
    # random modules give every case the symbols rarely do: long runs, finder-like runs close
    # together (the order of segno's search decides), runs at the edges, any share of dark
    rng = np.random.default_rng(20261202)
    for _ in range(1500):
        n = int(rng.choice([21, 25, 29, 33, 45, 57]))
        matrix = (rng.random((n, n)) < rng.uniform(0.1, 0.9)).astype(np.uint8)
        assert _scores(matrix) == encoder.mask_scores(
            tuple(bytearray(row.tobytes()) for row in matrix), n, n)


def test_finder_like_runs_close_together_count_as_segno_counts_them():
    # 1011101 twice, 4 apart and 6 apart, inside light modules and against the edge
    for row in ("00001011101011101000000", "10111010111010000000000",
                "00000101110101110100000", "0000000000000001011101"):
        line = np.array([[list(map(int, row))] * 1], dtype=np.uint8).reshape(1, 1, -1)
        square = np.zeros((1, line.shape[-1], line.shape[-1]), dtype=np.uint8)
        square[0, 3] = line[0, 0]
        expected = encoder.mask_scores(tuple(bytearray(r.tobytes()) for r in square[0]),
                                       square.shape[-1], square.shape[-1])[2]
        assert int(qr_symbol._finder_like_score(square)[0]) == expected


def _links(count: int) -> list[str]:
    rnd = random.Random(42)
    links = [f"https://intyg.malmo.se/verifiera/ASF-2026-{n:05d}?kod="
             + "".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))
             for n in range(count // 2)]
    for _ in range(count - len(links)):  # other lengths reach other versions (1 to 14)
        size = rnd.choice([1, 8, 30, 60, 90, 150, 250, 400])
        links.append("".join(rnd.choice(string.printable[:94]) for _ in range(size)))
    return links


def test_the_symbol_is_segnos_bit_for_bit():
    for text in _links(800):
        expected = segno.make(text, error="m", micro=False)
        assert qr_symbol.symbol(text) == tuple(expected.matrix), text


def test_the_png_has_segnos_pixels_rows_and_filters():
    for text in _links(60):
        assert _idat(qr_png(text)) == _idat(_segno_png(text))
    text = "https://intyg.malmo.se/verifiera/ASF-2026-00042?kod=7ZQY-WDAA-DYNN"
    for scale in (1, 3, 8):  # rows whose width is not a whole number of bytes
        assert _idat(qr_png(text, scale)) == _idat(_segno_png(text, scale))


def test_the_png_is_one_bit_greyscale_with_the_quiet_zone():
    header, data = _idat(qr_png("https://intyg.malmo.se/verifiera/ASF-2026-00001?kod=AB"))
    width, height, depth, colour = struct.unpack(">2I2B", header[:10])
    modules = len(qr_symbol.symbol("https://intyg.malmo.se/verifiera/ASF-2026-00001?kod=AB"))
    assert (width, height, depth, colour) == ((modules + 8) * QR_SCALE,) * 2 + (1, 0)
    row = (width + 7) // 8 + 1
    top = data[:row]
    assert top[0] == 0 and set(top[1:-1]) == {0xFF}  # light (1 bits) all along the first row
    assert len(data) == row * height


@pytest.mark.parametrize("text", ["", "a" * 3000])
def test_an_empty_link_and_one_too_long_are_as_in_segno(text):
    if len(text) > 2000:
        with pytest.raises(segno.DataOverflowError):
            qr_symbol.symbol(text)
        return
    assert qr_symbol.symbol(text) == tuple(segno.make(text, error="m", micro=False).matrix)
