"""What an answer strategy is given: the store snapshot, the retriever, the encoder, the agency canon
and the settings. Strategies take this and nothing else; none of them reaches back into a searcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from chidao.config import Settings
from chidao.lang.agencies import AgencyCanon
from chidao.records import Filters, Hit
from chidao.store import Snapshot


class Retriever(Protocol):
    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]: ...

    def query_vector(self, query: str) -> np.ndarray: ...

    def dense_text(self, query: str) -> str: ...


class PassageEncoder(Protocol):
    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class AnswerContext:
    snapshot: Snapshot
    retriever: Retriever
    encoder: PassageEncoder
    canon: AgencyCanon
    settings: Settings
