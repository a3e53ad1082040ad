"""Settings: defaults, chidao.toml, CHIDAO_* variables, overrides, and errors that list the valid keys."""

from __future__ import annotations

import os

import pytest

from chidao.config import DEFAULT_MODEL, ConfigError, load_settings, valid_keys


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
    default = load_settings()  # fp32 sentence-transformers unless int8 ONNX is asked for
    assert default.encoder == "sentence-transformers" and default.backend == "sentence-transformers"
    assert default.model_id == DEFAULT_MODEL
    auto = load_settings({"encoder": "auto"})
    assert auto.backend == "onnx" and auto.model_id == "onnx-int8:" + DEFAULT_MODEL
    other = load_settings({"encoder": "auto", "model": "intfloat/multilingual-e5-base"})
    assert other.backend == "sentence-transformers" and other.model_id == "intfloat/multilingual-e5-base"
    assert load_settings({"encoder": "hashing"}).model_id.startswith("hashing:")
    assert load_settings({"encoder": " ONNX "}).model_id == "onnx-int8:" + DEFAULT_MODEL
