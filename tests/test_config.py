"""Settings: defaults, chidao.toml, CHIDAO_* variables, overrides, and errors that list the valid keys."""

from __future__ import annotations

import os

import pytest

from chidao.config import DEFAULT_MODEL, ONNX_RECIPE, RETIRED_ONNX_IDS, ConfigError, load_settings, valid_keys
from chidao.store.layout import IndexMeta, ModelMismatch, check_model


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("CHIDAO_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_then_toml_then_environment_then_overrides(tmp_path, monkeypatch):
    assert load_settings().chunk_size == 1200
    (tmp_path / "chidao.toml").write_text('chunk_size = 900\nmodel = "intfloat/multilingual-e5-base"\n')
    assert load_settings().chunk_size == 900
    assert load_settings().model == "intfloat/multilingual-e5-base"
    monkeypatch.setenv("CHIDAO_CHUNK_SIZE", "700")
    assert load_settings().chunk_size == 700
    assert load_settings({"chunk_size": 500, "port": None}).chunk_size == 500  # None means "not given"


def test_unknown_toml_key_lists_the_valid_ones(tmp_path):
    (tmp_path / "chidao.toml").write_text("chunk_sise = 900\n")
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert "chunk_sise" in message
    for key in valid_keys():
        assert key in message


def test_unknown_environment_variable_is_refused(monkeypatch):
    monkeypatch.setenv("CHIDAO_MODLE", "x")
    with pytest.raises(ConfigError, match=r"CHIDAO_MODLE.*CHIDAO_MODEL"):
        load_settings()


def test_bad_value_says_which_setting(monkeypatch):
    monkeypatch.setenv("CHIDAO_PORT", "bảy nghìn")
    with pytest.raises(ConfigError, match="port"):
        load_settings()


def test_config_file_named_by_environment(tmp_path, monkeypatch):
    path = tmp_path / "khac.toml"
    path.write_text('[chidao]\nauth = "van-thu:mật-khẩu"\n')
    monkeypatch.setenv("CHIDAO_CONFIG", str(path))
    assert load_settings().auth == "van-thu:mật-khẩu"
    monkeypatch.setenv("CHIDAO_CONFIG", str(tmp_path / "khong-co.toml"))
    with pytest.raises(ConfigError, match="not a file"):
        load_settings()


def test_model_identity_includes_encoder_and_precision():
    onnx_id = f"onnx-{ONNX_RECIPE}:{DEFAULT_MODEL}"
    assert ONNX_RECIPE == "int8mix" and f"onnx-{ONNX_RECIPE}" not in RETIRED_ONNX_IDS
    default = load_settings()  # "auto": the int8 ONNX export of the default model
    assert default.encoder == "auto" and default.backend == "onnx" and default.model_id == onnx_id
    fp32 = load_settings({"encoder": "sentence-transformers"})  # fp32 stays selectable
    assert fp32.backend == "sentence-transformers" and fp32.model_id == DEFAULT_MODEL
    named = load_settings({"model": "intfloat/multilingual-e5-base"})  # a model a user names: torch
    assert named.backend == "sentence-transformers" and named.model_id == "intfloat/multilingual-e5-base"
    other = load_settings({"encoder": "auto", "model": "intfloat/multilingual-e5-base"})
    assert other.backend == "sentence-transformers" and other.model_id == "intfloat/multilingual-e5-base"
    assert load_settings({"encoder": "hashing"}).model_id.startswith("hashing:")
    assert load_settings({"encoder": " ONNX "}).model_id == onnx_id


def _meta(model_id: str) -> IndexMeta:
    return IndexMeta(model=model_id, dim=384, generation=1, created="2026-12-03", documents=1, chunks=1)


def test_an_index_of_the_first_int8_export_is_refused_with_what_to_do():
    """The first ONNX recipe (every MatMul int8) gave other vectors: its index is refused, and the message
    says to rebuild (no setting brings that export back)."""
    wanted = load_settings({"encoder": "onnx"}).model_id
    with pytest.raises(ModelMismatch) as info:
        check_model(_meta("onnx-int8:" + DEFAULT_MODEL), wanted)
    message = str(info.value)
    assert "bản xuất cũ" in message and "không còn được dùng" in message and "nạp lại chỉ mục" in message
    assert "chidao ingest --rebuild" in message and "CHIDAO_ENCODER=onnx " not in message
    check_model(_meta(wanted), wanted)  # today's export: accepted


def test_an_index_of_the_fp32_encoder_under_the_onnx_encoder_says_how_to_keep_it():
    fp32 = load_settings({"encoder": "sentence-transformers"}).model_id
    onnx = load_settings({"encoder": "onnx"}).model_id
    with pytest.raises(ModelMismatch) as info:
        check_model(_meta(fp32), onnx)
    message = str(info.value)
    assert "(sentence-transformers)" in message and "(ONNX int8)" in message and "nạp lại chỉ mục" in message
    assert 'encoder = "sentence-transformers"' in message and "CHIDAO_ENCODER=sentence-transformers" in message
    with pytest.raises(ModelMismatch) as back:  # and the other way round: no hint about the default
        check_model(_meta(onnx), fp32)
    assert "CHIDAO_ENCODER=onnx" in str(back.value) and "mặc định" not in str(back.value)
