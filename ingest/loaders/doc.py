"""Old Word (.doc): converted to DOCX by LibreOffice (headless, a throw-away profile), then read as DOCX."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.loaders import register
from ingest.loaders.base import Read, Source, display, error
from ingest.loaders.docx import read_docx

logger = logging.getLogger(__name__)

_LIBREOFFICE_TIMEOUT = 180.0


@register("doc")
def load_doc(src: Source) -> Read:
    return Read("doc", [_read_doc(src.path, src.data)])


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _read_doc(path: Path, data: bytes) -> str:
    exe = _soffice()
    if exe is None:
        raise error("doc_needs_libreoffice")
    with tempfile.TemporaryDirectory(prefix="chidao-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "input.doc"  # a plain ASCII name: LibreOffice and odd file names do not mix
        src.write_bytes(data)
        profile = (tmpdir / "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(tmpdir / "out"),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=_LIBREOFFICE_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            logger.warning("LibreOffice failed on %s: %r", display(path), exc)
            raise error("doc_conversion_failed") from exc
        out = tmpdir / "out" / "input.docx"
        if proc.returncode != 0 or not out.is_file():
            logger.warning(
                "LibreOffice could not convert %s: %s", display(path), proc.stderr.decode(errors="replace")[-500:]
            )
            raise error("doc_conversion_failed")
        return read_docx(out.read_bytes())
