"""The verification link's QR symbol and PNG, exactly as segno makes them, in a fifth of the time.

Every certificate carries its own QR code, so a year's run draws a thousand of them. segno (the
library that encodes the link) spends most of a symbol's time in two loops over every module in
Python: trying the eight data masks of ISO/IEC 18004 §7.8.3 one by one (2.2 of its 2.8 ms) and
writing the PNG pixel by pixel (2.1 ms), where rendering the whole certificate takes about 1.2 ms.

Here segno still does the encoding (segments, error correction, codeword placement, format and
version information: ``segno.encoder``), once, with mask 0. The eight masks are then applied and
scored all at once with NumPy, with segno's own rules (``encoder.mask_scores``: what it compares,
what it counts as dark, which mask wins a tie), the winning mask's format information is written
by segno's ``add_format_info``, and the PNG's rows are built a module row at a time. The result is
the symbol ``segno.make`` chooses, bit for bit, and a PNG with segno's pixels (greyscale, one bit,
the same rows and filters; only the compression level differs). The tests compare both with segno
over 800 links and segno's scores on random matrices; segno's exact release is pinned.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import numpy as np
from segno import encoder

_N3 = np.array([1, 0, 1, 1, 1, 0, 1], dtype=np.uint8)  # the 1:1:3:1:1 finder-like run
_N3_BYTES = bytes(_N3)
PNG_LEVEL = 3  # segno writes level 9 (726 bytes, 1.1 ms); 3 gives 1 kB in 0.1 ms


@lru_cache(maxsize=8)
def _layout(width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a symbol of ``width`` modules: the matrix before the data (function patterns, and the
    format and version areas reserved as light), where the data lies, and the eight masks there."""
    base = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(base, width, width)
    encoder.add_alignment_patterns(base, width, width)
    before = np.array([list(row) for row in base], dtype=np.uint8)
    region = before > 1  # segno's is_encoding_region: still 0x2, the "unset" value
    masks = np.array([[[fn(i, j) for j in range(width)] for i in range(width)]
                      for fn in encoder.get_data_mask_functions(False)], dtype=np.uint8)
    return before, region, masks & region


def _runs_score(candidates: np.ndarray) -> np.ndarray:
    """N1 along the last axis: each run of five or more equal modules scores its length - 2."""
    k, n, _ = candidates.shape
    change = np.ones((k, n, n + 1), dtype=bool)
    change[:, :, 1:n] = candidates[:, :, 1:] != candidates[:, :, :-1]
    starts = np.flatnonzero(change.ravel())
    lengths = np.diff(starts)  # the run from a row's end marker to the next row's start is 1
    points = np.where(lengths >= 5, lengths - 2, 0)
    return np.bincount(starts[:-1] // (n * (n + 1)), weights=points, minlength=k)


def _blocks_score(c: np.ndarray) -> np.ndarray:
    """N2: 3 points for every 2×2 block of one colour (overlapping blocks counted each)."""
    same = ((c[:, 1:, 1:] == c[:, 1:, :-1]) & (c[:, 1:, 1:] == c[:, :-1, 1:])
            & (c[:, :-1, 1:] == c[:, :-1, :-1]))
    return 3 * same.sum(axis=(1, 2))


def _finder_like(seq: bytes, size: int) -> int:
    """N3 for one row or column, as segno counts it: a 1011101 run at an edge, or with four light
    modules before or after it, scores 40; the search resumes past a counted run, or else 4 on."""
    count = 0
    idx = seq.find(_N3_BYTES)
    while idx != -1:
        offset = idx + 7
        if idx in (0, size - 7) or not any(seq[max(idx - 4, 0):min(idx, size)]) \
                or not any(seq[max(offset, 0):min(offset + 4, size)]):
            count += 40
        else:
            offset = idx + 4
        idx = seq.find(_N3_BYTES, offset)
    return count


def _finder_like_score(candidates: np.ndarray) -> np.ndarray:
    """N3 of each candidate, rows and columns. Runs far apart (most of them: the finder patterns'
    own rows) are counted at once; a line where two runs lie closer than 7 modules is walked as
    segno walks it, since there the order of the search decides what counts."""
    k, n, _ = candidates.shape
    scores = np.zeros(k, dtype=np.int64)
    start = np.arange(n - 6)
    for lines in (candidates, candidates.transpose(0, 2, 1)):
        hits = lines[:, :, :n - 6] == _N3[0]  # seven shifted comparisons beat a window view
        for i in range(1, 7):
            hits &= lines[:, :, i:n - 6 + i] == _N3[i]
        # dark[p]: dark modules before position p of the line with 4 light modules added on
        # either side (segno clips at the edge; light modules count the same)
        dark = np.zeros((k, n, n + 9), dtype=np.int32)
        np.cumsum(lines, axis=-1, out=dark[:, :, 5:n + 5])
        dark[:, :, n + 5:] = dark[:, :, n + 4:n + 5]
        light_before = dark[:, :, start + 4] == dark[:, :, start]
        light_after = dark[:, :, start + 15] == dark[:, :, start + 11]
        counted = hits & (light_before | light_after)
        counted[:, :, 0] |= hits[:, :, 0]
        counted[:, :, -1] |= hits[:, :, -1]
        close = np.zeros((k, n), dtype=bool)
        for gap in range(1, 7):
            close |= (hits[:, :, gap:] & hits[:, :, :-gap]).any(axis=-1)
        scores += 40 * (counted & ~close[:, :, None]).sum(axis=(1, 2))
        for m, line in zip(*np.nonzero(close), strict=True):
            scores[m] += _finder_like(lines[m, line].tobytes(), n)
    return scores


def _balance_score(candidates: np.ndarray) -> list[int]:
    """N4: 10 points for each 5 % the share of dark modules lies away from 50 %."""
    size = candidates.shape[-1] ** 2
    return [10 * int(abs(float(dark) / size * 100 - 50) / 5)
            for dark in candidates.sum(axis=(1, 2), dtype=np.int64)]


def symbol(text: str) -> tuple[bytearray, ...]:
    """The QR code (error correction M, no Micro QR) of ``text``: the matrix ``segno.make(text,
    error="m", micro=False).matrix`` gives, rows of 0 (light) and 1 (dark), no quiet zone."""
    code = encoder.encode(text, error="m", micro=False, mask=0)
    first = np.array([list(row) for row in code.matrix], dtype=np.uint8)
    before, region, masks = _layout(len(first))
    data = first ^ masks[0]  # mask 0 taken off again: the codewords as placed
    candidates = np.where(region, data ^ masks, before)
    scores = (_runs_score(candidates) + _runs_score(candidates.transpose(0, 2, 1))
              + _blocks_score(candidates) + _finder_like_score(candidates)
              + np.array(_balance_score(candidates)))
    best = int(np.argmin(scores))  # the first of equals, as segno keeps the first
    chosen = np.where(region, data ^ masks[best], first)
    matrix = tuple(bytearray(row.tobytes()) for row in chosen)
    encoder.add_format_info(matrix, code.version, code.error, best)
    return matrix


def png(matrix: tuple[bytearray, ...], scale: int, border: int) -> bytes:
    """``matrix`` as segno's PNG: one-bit greyscale (dark 0, light 1), each module ``scale``
    pixels square, a light quiet zone ``border`` modules wide; each module row is one scanline
    (filter None) followed by ``scale - 1`` repeating it (filter Up, all zeros); the quiet zone's
    rows are plain scanlines."""
    light, dark = "1" * scale, "0" * scale
    edge = "1" * (border * scale)
    pixels = (len(matrix) + 2 * border) * scale
    pad = "0" * (-pixels % 8)
    size = (pixels + len(pad)) // 8
    repeat = (b"\x02" + bytes(size)) * (scale - 1)
    blank = (b"\x00" + int("1" * pixels + pad, 2).to_bytes(size, "big")) * (border * scale)
    lines = [blank]
    for row in matrix:
        bits = edge + "".join(dark if v else light for v in row) + edge + pad
        lines.append(b"\x00" + int(bits, 2).to_bytes(size, "big") + repeat)
    lines.append(blank)
    return b"".join((b"\x89PNG\r\n\x1a\n",
                     _chunk(b"IHDR", struct.pack(">2I5B", pixels, pixels, 1, 0, 0, 0, 0)),
                     _chunk(b"IDAT", zlib.compress(b"".join(lines), PNG_LEVEL)),
                     _chunk(b"IEND", b"")))


def _chunk(name: bytes, data: bytes) -> bytes:
    head = name + data
    return struct.pack(">I", len(data)) + head + struct.pack(">I", zlib.crc32(head))
