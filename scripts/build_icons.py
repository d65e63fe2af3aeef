"""Draw the add-in's ribbon and manifest icons (PNG) into addin/server/static/images/icons/.

One icon per button of the Arbetsmarknad tab (the ``icon`` name of each ``@button`` in
addin/excel/scripts.py), one for Visa aktivitetsfönster and one for the add-in itself (the group,
IconUrl and HighResolutionIconUrl), at every size Office asks for: 16, 32 and 80 px are required
for add-in commands, 20, 24, 40, 48 and 64 px let Office scale cleanly ("Icon element",
learn.microsoft.com/javascript/api/manifest/icon). Each glyph is drawn at four times the size on a
transparent background and scaled down, in Office's dark grey with one accent colour.

Run from the repository root after changing a glyph: ``python scripts/build_icons.py``; the PNGs
are committed (the manifest points at them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "addin" / "server" / "static" / "images" / "icons"
SIZES = (16, 20, 24, 32, 40, 48, 64, 80)
SCALE = 4
INK = (50, 50, 50, 255)
ACCENT = (0, 94, 165, 255)  # a calm blue
PAPER = (255, 255, 255, 255)

Draw = Callable[[ImageDraw.ImageDraw, float], None]


def _w(s: float) -> int:
    """A stroke width that stays visible at 16 px."""
    return max(1, round(s * 0.085))


def kontrollera(d: ImageDraw.ImageDraw, s: float) -> None:
    d.line([(0.14 * s, 0.52 * s), (0.40 * s, 0.78 * s), (0.86 * s, 0.22 * s)], fill=ACCENT,
           width=round(s * 0.14), joint="curve")


def sammanstall(d: ImageDraw.ImageDraw, s: float) -> None:
    for i, top in enumerate((0.55, 0.30, 0.12)):
        x = (0.14 + i * 0.26) * s
        d.rectangle([x, top * s, x + 0.2 * s, 0.86 * s], fill=ACCENT if i == 2 else INK)
    d.line([(0.06 * s, 0.9 * s), (0.94 * s, 0.9 * s)], fill=INK, width=_w(s))


def _sheet(d: ImageDraw.ImageDraw, s: float, right: float = 0.82) -> None:
    d.rectangle([0.18 * s, 0.08 * s, right * s, 0.92 * s], fill=PAPER, outline=INK, width=_w(s))


def formular(d: ImageDraw.ImageDraw, s: float) -> None:
    _sheet(d, s)
    for i, y in enumerate((0.28, 0.46, 0.64)):
        d.rectangle([0.30 * s, (y - 0.04) * s, 0.40 * s, (y + 0.04) * s],
                    fill=ACCENT if i == 0 else INK)
        d.line([(0.48 * s, y * s), (0.70 * s, y * s)], fill=INK, width=_w(s))


def spara(d: ImageDraw.ImageDraw, s: float) -> None:
    d.rounded_rectangle([0.12 * s, 0.12 * s, 0.88 * s, 0.88 * s], radius=0.08 * s, fill=INK)
    d.rectangle([0.28 * s, 0.12 * s, 0.68 * s, 0.38 * s], fill=PAPER)
    d.rectangle([0.26 * s, 0.56 * s, 0.74 * s, 0.88 * s], fill=ACCENT)


def intyg(d: ImageDraw.ImageDraw, s: float) -> None:
    _sheet(d, s, right=0.78)
    d.line([(0.30 * s, 0.28 * s), (0.66 * s, 0.28 * s)], fill=INK, width=_w(s))
    d.line([(0.30 * s, 0.42 * s), (0.56 * s, 0.42 * s)], fill=INK, width=_w(s))
    d.polygon([(0.56 * s, 0.70 * s), (0.50 * s, 0.98 * s), (0.62 * s, 0.90 * s),
               (0.74 * s, 0.98 * s), (0.68 * s, 0.70 * s)], fill=ACCENT)
    d.ellipse([0.48 * s, 0.52 * s, 0.76 * s, 0.80 * s], fill=ACCENT, outline=PAPER, width=_w(s))


def styrgrupp(d: ImageDraw.ImageDraw, s: float) -> None:
    d.rectangle([0.08 * s, 0.22 * s, 0.92 * s, 0.78 * s], fill=PAPER, outline=INK, width=_w(s))
    d.line([(0.08 * s, 0.22 * s), (0.5 * s, 0.54 * s), (0.92 * s, 0.22 * s)], fill=ACCENT,
           width=_w(s) + 1)


def aktivitetsfonster(d: ImageDraw.ImageDraw, s: float) -> None:
    d.rectangle([0.08 * s, 0.14 * s, 0.92 * s, 0.86 * s], fill=PAPER, outline=INK, width=_w(s))
    d.rectangle([0.58 * s, 0.14 * s, 0.92 * s, 0.86 * s], fill=ACCENT)
    d.rectangle([0.08 * s, 0.14 * s, 0.92 * s, 0.26 * s], fill=INK)


def amanst(d: ImageDraw.ImageDraw, s: float) -> None:
    """The register: a grid with a ticked header, in the accent colour."""
    d.rounded_rectangle([0.06 * s, 0.06 * s, 0.94 * s, 0.94 * s], radius=0.14 * s, fill=ACCENT)
    for x in (0.38, 0.62):
        d.line([(x * s, 0.30 * s), (x * s, 0.82 * s)], fill=PAPER, width=_w(s))
    for y in (0.30, 0.48, 0.66):
        d.line([(0.18 * s, y * s), (0.82 * s, y * s)], fill=PAPER, width=_w(s))


GLYPHS: dict[str, Draw] = {
    "amanst": amanst, "kontrollera": kontrollera, "sammanstall": sammanstall,
    "formular": formular, "spara": spara, "intyg": intyg, "styrgrupp": styrgrupp,
    "aktivitetsfonster": aktivitetsfonster,
}


def icon(draw: Draw, size: int) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw(ImageDraw.Draw(image), float(big))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in GLYPHS.items():
        for size in SIZES:
            icon(draw, size).save(OUT / f"{name}-{size}.png", optimize=True)
    print(f"Skrev {len(GLYPHS) * len(SIZES)} ikoner i {OUT}")


if __name__ == "__main__":
    main()
