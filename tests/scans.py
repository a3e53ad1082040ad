"""Scanned pages made by the tests themselves: real document text rendered with Pillow and DejaVu
Sans at 200 dpi on A4, turned by a small angle, with noise, a red stamp and a signature scribble
over the text, saved as JPEG, PNG, TIFF or an image-only PDF (no text layer).

The text comes from the project's own corpus (``corpus/*.md``, found relative to the repo root);
``markdown_to_text`` drops the Markdown marks so the rendered page reads like a printed directive.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from pathlib import Path

from builders import find_font

REPO = Path(__file__).resolve().parents[1]
DPI = 200
A4 = (round(8.27 * DPI), round(11.69 * DPI))  # 1654 x 2338 pixels
MARGIN = round(0.8 * DPI)


def corpus_text() -> str:
    """The plain text of the repository's sample directive (the first ``corpus/*.md``)."""
    path = sorted((REPO / "corpus").glob("*.md"))[0]
    return markdown_to_text(path.read_text(encoding="utf-8"))


def markdown_to_text(md: str) -> str:
    text = re.sub(r"[*_]{1,3}", "", md)
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        line = words[0]
        for word in words[1:]:
            if draw.textlength(line + " " + word, font=font) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def layout_pages(text: str, font_size: int = 34, line_gap: float = 1.45) -> list[list[str]]:
    """The lines of ``text`` as they fall on A4 pages at 200 dpi (12 pt ≈ 34 px)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(find_font()), font_size)
    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    lines = _wrap(draw, text, font, A4[0] - 2 * MARGIN)
    per_page = int((A4[1] - 2 * MARGIN) / (font_size * line_gap))
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    return [p for p in pages if any(x.strip() for x in p)]


def render_page(
    lines: Sequence[str],
    *,
    seed: int = 0,
    angle: float | None = None,
    noise: float = 12.0,
    stamp: bool = True,
    signature: bool = True,
    font_size: int = 34,
    line_gap: float = 1.45,
):
    """One scanned page (an RGB Pillow image): the lines printed in black, a red round stamp and a
    blue signature over the text, turned by ``angle`` degrees (random within ±2° by default), with
    Gaussian noise of ``noise`` grey levels and some specks."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    font = ImageFont.truetype(str(find_font()), font_size)
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=(20, 20, 20))
        y += round(font_size * line_gap)
    if stamp:
        _stamp(page, rng)
    if signature:
        _signature(draw, rng, y_max=y)
    if angle is None:
        angle = rng.uniform(-2.0, 2.0)
    page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor="white")
    arr = np.asarray(page).astype(np.float32)
    nrng = np.random.default_rng(seed)
    arr += nrng.normal(0.0, noise, arr.shape[:2])[..., None]
    specks = nrng.random(arr.shape[:2]) < 0.0005
    arr[specks] = 40
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _stamp(page, rng: random.Random) -> None:
    """A red round seal, half transparent, over the lower right part of the text."""
    from PIL import Image, ImageDraw, ImageFont

    r = 150
    cx, cy = rng.randint(A4[0] - 2 * MARGIN - r, A4[0] - MARGIN - r), rng.randint(A4[1] // 2, A4[1] - MARGIN - r)
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (210, 30, 30, 150)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=9)
    d.ellipse((cx - r + 28, cy - r + 28, cx + r - 28, cy + r - 28), outline=red, width=4)
    d.regular_polygon((cx, cy, 45), 5, fill=red)
    small = ImageFont.truetype(str(find_font()), 24)
    for i, ch in enumerate("ỦY BAN NHÂN DÂN TỈNH"):
        a = math.radians(200 + i * 7.5)
        d.text((cx + (r - 18) * math.cos(a) - 8, cy + (r - 18) * math.sin(a) - 12), ch, font=small, fill=red)
    page.paste(Image.alpha_composite(page.convert("RGBA"), layer).convert("RGB"))


def _signature(draw, rng: random.Random, y_max: int) -> None:
    """A blue pen scribble crossing a few lines of text."""
    x0 = rng.randint(A4[0] // 3, A4[0] // 2)
    y0 = rng.randint(MARGIN + 100, max(MARGIN + 101, min(y_max, A4[1] - MARGIN) - 100))
    points = []
    for i in range(60):
        t = i / 59
        points.append(
            (x0 + 420 * t + 40 * math.sin(9 * t * math.pi), y0 + 55 * math.sin(5 * t * math.pi + rng.random()))
        )
    draw.line(points, fill=(25, 45, 160), width=4, joint="curve")


def save_pdf(images: Sequence, path: Path) -> Path:
    """An image-only PDF (one scanned image per page, no text layer) at 200 dpi."""
    first, *rest = images
    first.save(path, "PDF", resolution=DPI, save_all=True, append_images=list(rest))
    return path


def save_jpeg(image, path: Path, quality: int = 80) -> Path:
    image.save(path, "JPEG", quality=quality, dpi=(DPI, DPI))
    return path


def save_tiff(images: Sequence, path: Path, mode: str = "RGB") -> Path:
    """A multi-page TIFF (a scanner's batch), LZW-compressed, in colour (or ``mode="L"``: greyscale,
    where the seal and signature turn grey and can no longer be told from the print)."""
    first, *rest = [im.convert(mode) for im in images]
    first.save(path, "TIFF", save_all=True, append_images=rest, compression="tiff_lzw", dpi=(DPI, DPI))
    return path
