"""Shared fixtures: settings pointing at a temporary index, and a tiny Vietnamese corpus built on the fly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chidao.config import Settings
from chidao.lang.agencies import AgencyCanon

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpus" / "thong-bao-ket-luan-ubnd-cao-bang-thang-4-2021.md"

PDF_PAGES = [
    "UBND TỈNH CAO BẰNG\nSở Y tế\nSố: 45/KH-SYT\nCao Bằng, ngày 10 tháng 6 năm 2021\nKẾ HOẠCH\n"
    "Tiêm chủng vắc xin phòng COVID-19 đợt 3\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "1. Bảo đảm tiêm chủng an toàn cho người dân trên địa bàn tỉnh theo Công điện số 570/CĐ-TTg ngày "
    "02/5/2021 của Thủ tướng Chính phủ.",
    "II. TỔ CHỨC THỰC HIỆN\n"
    "1. Trung tâm Kiểm soát bệnh tật tỉnh chủ trì, phối hợp với Công an tỉnh bảo quản vắc xin trong kho lạnh "
    "và vận chuyển đến các điểm tiêm trước ngày 20/6/2021.\n"
    "2. UBND các huyện, thành phố bố trí điểm tiêm chủng lưu động tại các xã vùng cao.",
]

DOCX_BLOCKS = [
    "CÔNG VĂN",
    "V/v tăng cường công tác phòng chống sạt lở đất mùa mưa bão",
    "Ủy ban nhân dân tỉnh yêu cầu các sở, ngành thực hiện các nội dung sau:",
    "1. Sở Nông nghiệp và Phát triển nông thôn chủ trì rà soát các khu dân cư có nguy cơ sạt lở đất, "
    "lũ quét, báo cáo Ủy ban nhân dân tỉnh trước ngày 30/7/2021.",
    "2. Sở Giao thông vận tải chuẩn bị phương tiện, vật tư khắc phục sự cố giao thông do sạt lở.",
]
DOCX_HEADER = [
    ["ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
    ["Số: 1500/UBND-NC", "Cao Bằng, ngày 15 tháng 7 năm 2021"],
]


@pytest.fixture
def hashing_settings(tmp_path: Path) -> Settings:
    """Settings with the deterministic hashing encoder (for logic tests; no model)."""
    return Settings(index=tmp_path / "index", cache_dir=tmp_path / "cache", encoder="hashing", model="hashing-test")


def build_small_corpus(folder: Path) -> Path:
    """Write the sample notice, a two-page PDF and a DOCX with Vietnamese text, plus a corrupt PDF."""
    from builders import make_docx, make_pdf

    folder.mkdir(parents=True)
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    make_pdf(folder / "ke-hoach-tiem-chung.pdf", PDF_PAGES, footer_page_numbers=True)
    make_docx(folder / "cong-van-sat-lo.docx", DOCX_BLOCKS, header_table=DOCX_HEADER)
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%garbage")
    return folder


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    return build_small_corpus(tmp_path / "docs")


# ---------------------------------------------------------------- scanned pages (OCR tests)


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory) -> Path:
    """One OCR cache for the session: a scan read by one test is not read again by the next."""
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="session")
def scanned(tmp_path_factory) -> dict:
    """Pages 2 and 3 of the sample directive printed, stamped, signed and scanned (tests/scans.py):
    ``pdf`` (image-only, both pages), ``jpeg`` (page 1), ``tiff`` (both pages, greyscale), and
    ``lines`` (the printed lines of each page)."""
    from scans import corpus_text, layout_pages, render_page, save_jpeg, save_pdf, save_tiff

    folder = tmp_path_factory.mktemp("scans")
    lines = layout_pages(corpus_text())[1:3]  # the second and third pages: citations and assignments
    images = [render_page(page, seed=n) for n, page in enumerate(lines)]
    return {
        "lines": lines,
        "images": images,
        "pdf": save_pdf(images, folder / "thong-bao-quet.pdf"),
        "jpeg": save_jpeg(images[0], folder / "thong-bao-trang-1.jpg"),
        "tiff": save_tiff(images, folder / "thong-bao-quet.tif"),
    }


@pytest.fixture(scope="session")
def pw():
    """One Playwright driver for the whole run: a second ``sync_playwright()`` started while another one
    is alive fails ("Sync API inside the asyncio loop"), so every browser test module shares this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def canon() -> AgencyCanon:
    """The agency table, one per test module."""
    return AgencyCanon()
