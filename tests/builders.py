"""Helpers that write real test files (PDF, DOCX, HTML, text, damaged files) into a folder.

Every builder writes an actual file with the real library (reportlab, python-docx, Pillow) and
returns its path; nothing is mocked. PDFs use DejaVu Sans, which has the Vietnamese glyphs
(Debian: ``apt-get install fonts-dejavu-core``). Other developers' tests import these.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import struct
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

#: In a table given to ``make_docx``: this cell is merged with the cell above it.
MERGE_UP = "^"

#: The usual two-column header of a Vietnamese administrative document.
HEADER_TABLE: list[list[str]] = [
    ["ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
    ["Số: 12/KH-UBND", "Cao Bằng, ngày 04 tháng 5 năm 2021"],
]

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/{name}.ttf",
    "/usr/share/fonts/dejavu/{name}.ttf",
    "/usr/share/fonts/TTF/{name}.ttf",
    "/usr/local/share/fonts/{name}.ttf",
    "/Library/Fonts/{name}.ttf",
)


def find_font(name: str = "DejaVuSans") -> Path:
    """Path of a TrueType font with Vietnamese glyphs (DejaVu Sans), searched robustly."""
    env = os.environ.get("CHIDAO_TEST_FONT")
    if env and Path(env).is_file():
        return Path(env)
    for pattern in _FONT_CANDIDATES:
        path = Path(pattern.format(name=name))
        if path.is_file():
            return path
    for root in ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts")):
        hits = sorted(glob.glob(f"{root}/**/{name}.ttf", recursive=True))
        if hits:
            return Path(hits[0])
    fc = shutil.which("fc-match")
    if fc:
        out = subprocess.run([fc, "-f", "%{file}", name], capture_output=True, text=True, check=False).stdout
        if out.endswith(".ttf") and Path(out).is_file() and name.lower() in Path(out).name.lower():
            return Path(out)
    try:  # matplotlib ships DejaVu Sans
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{name}.ttf"
        if path.is_file():
            return path
    except ImportError:
        pass
    raise FileNotFoundError(
        f"{name}.ttf not found: install fonts-dejavu-core (apt-get install fonts-dejavu-core) "
        "or set CHIDAO_TEST_FONT to a TTF with Vietnamese glyphs"
    )


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "ChidaoDejaVuSans"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(find_font())))
    return name


def make_pdf(
    path: str | os.PathLike,
    pages: Sequence[str],
    *,
    header: str | None = None,
    footer_page_numbers: bool | str = False,
    encrypt_password: str | None = None,
    owner_password: str | None = None,
    font_size: float = 11,
    width_chars: int | None = None,
) -> Path:
    """A text PDF, one entry of ``pages`` per page; long lines are wrapped to the page width.

    ``header``: a running header drawn at the top of every page ("{n}" and "{total}" are
    replaced). ``footer_page_numbers``: True draws "Trang {n}/{total}" at the bottom, a string is
    used as the format ("- {n} -", "{n}/{total}"). ``encrypt_password`` sets the user password
    (opening needs it); ``owner_password`` alone gives a PDF that opens with the empty password
    but is still encrypted. ``width_chars`` wraps at that many characters instead of the page width.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    path = Path(path)
    font = _register_font()
    encrypt = None
    if encrypt_password is not None or owner_password is not None:
        encrypt = StandardEncryption(
            encrypt_password or "", ownerPassword=owner_password or encrypt_password, strength=128
        )
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    page_w, page_h = A4
    margin = 56
    leading = font_size * 1.35
    total = len(pages)
    for n, text in enumerate(pages, start=1):
        c.setFont(font, font_size)
        if header:
            c.drawCentredString(page_w / 2, page_h - 36, header.format(n=n, total=total))
        y = page_h - margin - leading
        for raw in text.split("\n"):
            if width_chars:
                lines = _wrap_chars(raw, width_chars)
            else:
                lines = simpleSplit(raw, font, font_size, page_w - 2 * margin) or [""]
            for line in lines:
                if y < margin:
                    raise ValueError(f"page {n} text does not fit on one page")
                c.drawString(margin, y, line)
                y -= leading
        if footer_page_numbers:
            fmt = footer_page_numbers if isinstance(footer_page_numbers, str) else "Trang {n}/{total}"
            c.drawCentredString(page_w / 2, 30, fmt.format(n=n, total=total))
        c.showPage()
    c.save()
    return path


def _wrap_chars(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def make_image_only_pdf(path: str | os.PathLike, pages: int = 1, text: str = "CÔNG ĐIỆN số 570/CĐ-TTg") -> Path:
    """A 'scanned' PDF: each page is a picture of text, with no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = Path(path)
    image = Image.new("L", (1240, 400), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 150), text, fill=0, font=ImageFont.truetype(str(find_font()), 48))
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(image), 40, 400, width=515, height=166)
        c.showPage()
    c.save()
    return path


def make_docx(
    path: str | os.PathLike,
    paragraphs: Sequence[str | Sequence[Sequence[str | None]]],
    header_table: Sequence[Sequence[str]] | None = None,
) -> Path:
    """A DOCX whose body is ``header_table`` (if given) then ``paragraphs`` in order.

    An entry of ``paragraphs`` is a paragraph (str; "\\n" inside becomes a line break) or a table
    (rows of cells). In a cell, "\\n" separates paragraphs, ``None`` merges the cell with its
    left neighbour and ``MERGE_UP`` with the cell above.
    """
    import docx

    path = Path(path)
    document = docx.Document()
    if header_table is not None:
        _add_table(document, header_table)
    for block in paragraphs:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            _add_table(document, block)
    document.save(str(path))
    return path


def _add_table(document, rows: Sequence[Sequence[str | None]]) -> None:
    n_cols = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=n_cols)
    merges = []
    for r, row in enumerate(rows):
        for c in range(n_cols):
            value = row[c] if c < len(row) else ""
            cell = table.cell(r, c)
            if value is None:
                merges.append((r, c, r, c - 1))
            elif value == MERGE_UP:
                merges.append((r, c, r - 1, c))
            else:
                parts = value.split("\n")
                cell.paragraphs[0].text = parts[0]
                for part in parts[1:]:
                    cell.add_paragraph(part)
    for r, c, r2, c2 in merges:
        table.cell(r2, c2).merge(table.cell(r, c))


def make_html(
    path: str | os.PathLike,
    body: str,
    *,
    title: str = "Văn bản chỉ đạo",
    encoding: str = "utf-8",
    noise: bool = True,
) -> Path:
    """An HTML page around ``body``; ``noise`` adds script, style and nav content that a loader
    must drop (each contains the marker word "NOISE")."""
    path = Path(path)
    extra_head = "<style>body { color: red } /* NOISE */</style><script>var x = 'NOISE';</script>" if noise else ""
    nav = "<nav><a href='/'>Trang chủ NOISE</a> | <a href='/vb'>Văn bản</a></nav>" if noise else ""
    tail = "<script>console.log('NOISE')</script>" if noise else ""
    html = (
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="{encoding}"><title>{title}</title>'
        f"{extra_head}</head>\n<body>{nav}\n{body}\n{tail}</body></html>\n"
    )
    path.write_bytes(html.encode(encoding))
    return path


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Vietnamese text in Windows-1258, which has the vowels â ă ê ô ơ ư but writes the five
    tones as combining marks after them ("ở" = "ơ" + U+0309)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        tones = "".join(c for c in decomposed if c in _TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def make_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8", bom: bool = False) -> Path:
    """A text file in ``encoding`` ("utf-8", "utf-16", "cp1258", …), optionally with a UTF-8 BOM."""
    path = Path(path)
    data = to_cp1258(text) if encoding.lower().replace("-", "") == "cp1258" else text.encode(encoding)
    if bom and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def truncate(path: str | os.PathLike, fraction: float = 0.5) -> Path:
    """Cut a file in place to ``fraction`` of its size (a download that stopped half way)."""
    path = Path(path)
    data = path.read_bytes()
    path.write_bytes(data[: max(1, int(len(data) * fraction))])
    return path


def make_garbage(path: str | os.PathLike, size: int = 8192, seed: int = 0) -> Path:
    """Random bytes (deterministic for a seed)."""
    path = Path(path)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def make_high_byte_garbage(path: str | os.PathLike, size: int = 8192, seed: int = 0) -> Path:
    """Random bytes 0x80–0xFF only: no NULs or control bytes, not UTF-8, 'decodes' in any code page."""
    path = Path(path)
    rng = random.Random(seed)
    path.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(size)))
    return path


def make_empty(path: str | os.PathLike) -> Path:
    path = Path(path)
    path.write_bytes(b"")
    return path


def make_ole2_word_stub(path: str | os.PathLike) -> Path:
    """A Word 97-2003 style OLE2 compound file: a valid header and a directory naming the
    "WordDocument" stream, with no real content. Enough to be recognised as an old .doc
    (and to fail conversion), not to be opened by Word."""
    path = Path(path)
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major, byte order, shifts
    struct.pack_into("<I", header, 44, 1)  # number of FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)  # no mini FAT
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)  # no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0] = FAT at sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * sector)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)  # FAT, directory, stream
    directory = bytearray(sector)
    for i, (name, kind, start, size) in enumerate([("Root Entry", 5, 0xFFFFFFFE, 0), ("WordDocument", 2, 2, 512)]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
        struct.pack_into("<III", entry, 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if i == 0 else 0xFFFFFFFF)
        struct.pack_into("<II", entry, 116, start, size)
        directory[128 * i : 128 * (i + 1)] = entry
    for i in range(2, 4):
        struct.pack_into("<III", directory, 128 * i + 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    stream = bytearray(sector)
    struct.pack_into("<H", stream, 0, 0xA5EC)  # the Word binary file's magic (wIdent)
    path.write_bytes(bytes(header) + bytes(fat) + bytes(directory) + bytes(stream))
    return path


def make_doc(path: str | os.PathLike, paragraphs: Sequence[str]) -> Path:
    """A real Word 97-2003 .doc, made by LibreOffice from a DOCX (needs ``soffice`` on PATH)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise FileNotFoundError("soffice not found: apt-get install libreoffice-writer")
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        src = make_docx(Path(tmp) / "input.docx", paragraphs)
        profile = (Path(tmp) / "profile").as_uri()
        subprocess.run(
            [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir", tmp, str(src)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.copyfile(Path(tmp) / "input.doc", path)
    return path
