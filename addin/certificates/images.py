"""Pictures in a certificate template that the program fills in: the logo and the QR code.

A template marks a picture as a slot by its alt text (Word: right-click, "Edit Alt Text"):
``amanst:logotyp`` for the organisation's logo, ``amanst:qr`` for the verification QR code. The
picture in the template is a placeholder; its size in the document is the box the real picture is
fitted into. An administrator can move, resize or delete a slot in Word like any picture.

The logo is chosen once per installation (``Logotyp`` in Inställningar names a file in the
templates folder), so it is put into the template when it is compiled, with its box shrunk to the
logo's proportions. The QR code changes with every certificate, so the renderer swaps the bytes of
that one image part per document (the zip member is otherwise reused as it is).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from ..core.errors import AmanstError

SLOT_LOGO = "amanst:logotyp"
SLOT_QR = "amanst:qr"
LOGO_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0123456789._- ")
MAX_LOGO_BYTES = 5 * 1024 * 1024
MAX_LOGO_PIXELS = 25_000_000
LOGO_LONG_SIDE = 1200  # pixels kept: sharp at print size, small in every certificate


@dataclass
class Slot:
    name: str  # the alt text, e.g. amanst:qr
    part: Any  # the python-docx ImagePart
    inline: Any  # the wp:inline or wp:anchor element holding the picture


def find_slots(document: Any) -> dict[str, Slot]:
    """The marked pictures in the body, headers and footers of a python-docx ``Document``."""
    holders = [(document.part, document.element)]
    for section in document.sections:
        for hf in (section.header, section.footer, section.first_page_header,
                   section.first_page_footer, section.even_page_header, section.even_page_footer):
            if not hf.is_linked_to_previous:
                holders.append((hf.part, hf._element))
    slots: dict[str, Slot] = {}
    for part, element in holders:
        for doc_pr in element.iter(qn("wp:docPr")):
            name = (doc_pr.get("descr") or "").strip()
            if not name.startswith("amanst:") or name in slots:
                continue
            inline = doc_pr.getparent()
            blip = next(inline.iter(qn("a:blip")), None)
            rid = blip.get(qn("r:embed")) if blip is not None else None
            if rid and rid in part.related_parts:
                slots[name] = Slot(name, part.related_parts[rid], inline)
    return slots


def load_logo(name: str, folder: Path) -> bytes:
    """The logo file ``name`` (a file in ``folder``, the templates folder) as a PNG.

    Only a plain file name is accepted: the workbook names the file, the server's administrator
    puts it in the templates folder, and no workbook can make the server read any other file.
    """
    name = name.strip()
    if not name or not set(name) <= LOGO_NAME_CHARS or name.startswith(".") or ".." in name:
        raise AmanstError(f"Logotypen '{name}' i Inställningar ska vara ett filnamn, till "
                          "exempel logotyp.png, för en fil i mallmappen.")
    path = folder / name
    try:
        size = path.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise AmanstError(f"Logotypen {name} är större än 5 MB. Använd en mindre bild.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise AmanstError(f"Logotypen {name} finns inte i mallmappen {folder}. Lägg filen där "
                          "eller ändra Logotyp i Inställningar.") from None
    except OSError as exc:
        raise AmanstError(f"Logotypen {name} kunde inte läsas: {exc.strerror}.") from None
    return to_png(data, name)


def to_png(data: bytes, name: str = "bilden") -> bytes:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_LOGO_PIXELS:
                raise AmanstError(f"Logotypen {name} har för många bildpunkter.")
            image = probe.convert("RGBA")
    except AmanstError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a file that is no image
        raise AmanstError(f"Logotypen {name} är ingen bild som går att läsa (PNG eller JPEG)."
                          ) from None
    image.thumbnail((LOGO_LONG_SIDE, LOGO_LONG_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def put_picture(slot: Slot, png: bytes) -> None:
    """Replace the slot's picture with ``png``, fitted into its box with its own proportions."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    extent = slot.inline.find(qn("wp:extent"))
    box_cx, box_cy = int(extent.get("cx")), int(extent.get("cy"))
    scale = min(box_cx / width, box_cy / height)
    cx, cy = str(max(1, int(width * scale))), str(max(1, int(height * scale)))
    extent.set("cx", cx)
    extent.set("cy", cy)
    for ext in slot.inline.iter(qn("a:ext")):
        if ext.getparent().tag == qn("a:xfrm"):
            ext.set("cx", cx)
            ext.set("cy", cy)
    slot.part._blob = png
