"""Page images made ready for Tesseract: coloured ink dropped, small skew straightened.

Stamps (red) and signatures (blue) are coloured ink over black print; taking each pixel's brightest
channel (HSV's value) turns them pale while black print stays black, so the text under a seal still
reads. The skew is the angle whose horizontal projection profile is sharpest (text lines give the
profile its peaks), searched over ±``MAX_SKEW`` degrees on a reduced copy of the page.
"""

from __future__ import annotations

import numpy as np

MAX_SKEW = 5.0
_STEP = 0.1
_WORK_WIDTH = 1000


def drop_colour(image):
    """A greyscale copy in which coloured ink (seals, signatures) is faint and black print stays black."""
    from PIL import Image

    if image.mode in ("1", "L", "I;16", "I", "F"):
        return image.convert("L")
    rgb = np.asarray(image.convert("RGB"))
    return Image.fromarray(rgb.max(axis=2).astype(np.uint8), "L")


def _ink(gray) -> np.ndarray:
    """Boolean ink mask of a greyscale image (Otsu threshold)."""
    a = np.asarray(gray, dtype=np.uint8)
    hist = np.bincount(a.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return np.zeros_like(a, dtype=bool)
    cum, cum_mean = np.cumsum(hist), np.cumsum(hist * np.arange(256))
    w0, w1 = cum, total - cum
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (cum_mean[-1] * w0 / total - cum_mean) ** 2 / (w0 * w1)
    threshold = int(np.nanargmax(between[:-1]))
    return a <= threshold


def skew_angle(gray) -> float:
    """Degrees (counter-clockwise) by which the text lines of ``gray`` are tilted; 0.0 for a page
    with too little text to tell."""
    from PIL import Image

    scale = min(1.0, _WORK_WIDTH / gray.width)
    small = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))), Image.BILINEAR)
    ink = Image.fromarray((_ink(small) * 255).astype(np.uint8), "L")
    if np.asarray(ink).mean() < 0.2:  # nearly blank
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST), dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, _STEP)
    best = max(fine, key=sharpness)
    return round(float(-best), 2)


def rotate(image, degrees: float, *, expand: bool = False):
    """``image`` turned counter-clockwise by ``degrees``, the uncovered corners white."""
    from PIL import Image

    if abs(degrees) < 1e-6:
        return image
    fill = 255 if image.mode == "L" else "white"
    return image.rotate(degrees, resample=Image.BILINEAR, expand=expand, fillcolor=fill)
