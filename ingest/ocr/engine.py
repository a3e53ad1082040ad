"""Tesseract, called as a program: words with their boxes (TSV output) and page orientation (OSD).

Each call runs ``tesseract stdin stdout … tsv`` on a PNG written to its standard input, with one
thread (``OMP_THREAD_LIMIT=1``: on a small shared machine one thread per page is faster than
Tesseract's own threads fighting over the cores). Debian: ``apt-get install tesseract-ocr
tesseract-ocr-vie`` (and ``tesseract-ocr-osd`` for rotation detection, usually pulled in).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

logger = logging.getLogger(__name__)

LANG = "vie"
TIMEOUT = 300.0


@dataclass(frozen=True)
class TsvWord:
    """One word of Tesseract's TSV: text, box (pixels), confidence 0..100, and its line's place."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int
    par: int
    line: int


def tesseract() -> str | None:
    return shutil.which("tesseract")


@functools.cache
def languages() -> frozenset[str]:
    exe = tesseract()
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def available() -> bool:
    """Is Tesseract installed with its Vietnamese model?"""
    return LANG in languages()


@functools.cache
def signature() -> str:
    """What decides an OCR result besides the image: Tesseract's version and the model, for cache keys."""
    exe = tesseract()
    if exe is None:
        return "none"
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    first = (out.stdout or out.stderr).splitlines()[:1]
    return (first[0].strip() if first else "unknown") + "+" + LANG


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _pnm(image) -> bytes:
    """The image as uncompressed PGM/PPM: Leptonica reads it from standard input as well as PNG,
    and a noisy scan takes a second to compress as PNG."""
    buf = io.BytesIO()
    image.convert("L" if image.mode in ("1", "L", "I;16", "I", "F") else "RGB").save(buf, "PPM")
    return buf.getvalue()


def _run(image, args: list[str]) -> str:
    exe = tesseract()
    if exe is None:
        raise RuntimeError("tesseract is not installed")
    proc = subprocess.run(
        [exe, "stdin", "stdout", *args],
        input=_pnm(image),
        capture_output=True,
        timeout=TIMEOUT,
        env=_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"tesseract failed: {proc.stderr.decode(errors='replace')[-300:]}")
    return proc.stdout.decode("utf-8", errors="replace")


def read_words(image, dpi: int = 200, psm: int = 3) -> list[TsvWord]:
    """The words Tesseract reads on a page image (a Pillow image, ideally greyscale), in reading order."""
    out = _run(image, ["-l", LANG, "--psm", str(psm), "--dpi", str(dpi), "tsv"])
    words: list[TsvWord] = []
    for row in out.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        words.append(
            TsvWord(
                text=cols[11].strip(),
                left=int(cols[6]),
                top=int(cols[7]),
                width=int(cols[8]),
                height=int(cols[9]),
                conf=max(0.0, float(cols[10])),
                block=int(cols[2]),
                par=int(cols[3]),
                line=int(cols[4]),
            )
        )
    return words


_ROTATE_RE = re.compile(r"Rotate:\s*(\d+)")
_CONF_RE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def orientation(image) -> tuple[int, float] | None:
    """(degrees to turn the page clockwise so that it reads upright, confidence) from Tesseract's
    orientation detection, or None when it cannot tell (too little text, no ``osd`` model)."""
    if "osd" not in languages():
        return None
    try:
        out = _run(image, ["--psm", "0", "-l", "osd"])
    except RuntimeError as exc:  # "Too few characters" and the like
        logger.debug("OSD failed: %s", exc)
        return None
    rotate, conf = _ROTATE_RE.search(out), _CONF_RE.search(out)
    if rotate is None or conf is None:
        return None
    return int(rotate.group(1)), float(conf.group(1))
