"""Plain text and Markdown: bytes decoded by ``chidao.lang.legacy`` (UTF-8/16, Windows-1258, TCVN3, VNI)."""

from __future__ import annotations

import logging

from ingest.loaders import register
from ingest.loaders.base import Read, Source, decoder
from ingest.loaders.sniff import text_format

logger = logging.getLogger(__name__)


@register("text")
def load_text(src: Source) -> Read:
    text, encoding = decoder()(src.data)
    logger.debug("decoded as %s", encoding)
    return Read(text_format(src.suffix), [text], encoding=encoding)
