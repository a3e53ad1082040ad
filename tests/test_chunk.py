"""ingest/chunk.py: section chunks with exact offsets, pages, merging and splitting."""

from __future__ import annotations

import bisect
import itertools
import unicodedata

import pytest
from structure_devcorpus import SAMPLE, approx_normalize, dev_files, law_files, real_normalizer

from chidao.records import Chunk, NormalizedText
from ingest.chunk import SECTION_SEPARATOR, chunk_document
from ingest.structure import block_zones, parse_blocks


def chunks_of(text: str, **kw: int) -> list[Chunk]:
    norm = NormalizedText(text=text)
    return chunk_document("doc", norm, parse_blocks(text), **kw)


def holding(chunks: list[Chunk], needle: str) -> Chunk:
    for c in chunks:
        if needle in c.text:
            return c
    raise AssertionError(f"no chunk holds {needle!r}")


HEADER = (
    "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Số: 12/KH-UBND\n"
    "Cao Bằng, ngày 04 tháng 5 năm 2021\n"
    "KẾ HOẠCH\n"
    "Triển khai công tác phòng, chống dịch bệnh trên địa bàn tỉnh\n"
)
FOOTER = (
    "Yêu cầu các sở, ban, ngành nghiêm túc triển khai thực hiện./.\n"
    "Nơi nhận:\n- Bộ Y tế;\n- Sở Tài chính;\n- Lưu: VT.\n"
    "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An\n"
)
SENTENCE = "Sở Y tế chủ trì, phối hợp với các đơn vị liên quan tổ chức giám sát dịch bệnh tại cộng đồng. "


def doc(body: str) -> str:
    return HEADER + body + FOOTER


def test_header_is_its_own_first_chunk_and_recipients_are_dropped() -> None:
    text = doc(
        "Căn cứ Luật Phòng, chống bệnh truyền nhiễm năm 2007, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n"
        "I. MỤC ĐÍCH\n" + SENTENCE * 3 + "\n"
    )
    chunks = chunks_of(text)
    assert chunks[0].text.startswith("ỦY BAN NHÂN DÂN") and chunks[0].text.endswith("trên địa bàn tỉnh")
    assert chunks[0].section == ""
    assert all("CỘNG HÒA" not in c.text for c in chunks[1:])
    assert all("Nơi nhận" not in c.text and "- Bộ Y tế;" not in c.text for c in chunks)
    assert chunks[-1].text == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An"  # "who signed" stays findable
    assert holding(chunks, "nghiêm túc triển khai").section == ""


def test_ids_ordinals_and_embed_text() -> None:
    chunks = chunks_of(doc("I. MỤC ĐÍCH\n" + SENTENCE * 4 + "\n"))
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert all(c.chunk_id == f"doc_{c.ordinal}" and c.doc_id == "doc" for c in chunks)
    body = holding(chunks, "I. MỤC ĐÍCH")
    assert body.section == "I. MỤC ĐÍCH"
    assert body.embed_text == "I. MỤC ĐÍCH\n" + body.text
    assert chunks[0].embed_text == chunks[0].text


def test_small_sibling_sections_merge_under_their_parent() -> None:
    body = (
        "1. Nhiệm vụ chung\n"
        "1.1. Sở Y tế\nTổ chức tiêm chủng cho người dân.\n"
        "1.2. Sở Tài chính\nBố trí kinh phí thực hiện.\n"
        "2. Tổ chức thực hiện\n" + SENTENCE * 3 + "\n"
    )
    chunks = chunks_of(doc(body))
    merged = holding(chunks, "1.1. Sở Y tế")
    assert "1.2. Sở Tài chính" in merged.text and "1. Nhiệm vụ chung" in merged.text
    assert merged.section == "1. Nhiệm vụ chung"
    assert "2. Tổ chức thực hiện" not in merged.text  # top-level sections do not merge when both stand alone
    assert holding(chunks, "2. Tổ chức thực hiện").section == "2. Tổ chức thực hiện"


def test_tiny_sections_merge_with_a_neighbour() -> None:
    body = "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\nĐiều 2. Quyết định có hiệu lực từ ngày ký.\n"
    chunks = chunks_of(doc(body))
    c = holding(chunks, "Điều 1.")
    assert "Điều 2." in c.text


def test_long_section_splits_on_sentences_with_overlap() -> None:
    para = SENTENCE * 40  # ~3,800 characters in one paragraph
    text = doc("II. NHIỆM VỤ\n2.1. Sở Y tế\n" + para + "\n")
    chunks = [c for c in chunks_of(text, size=1200, overlap=150) if "Sở Y tế chủ trì" in c.text]
    assert len(chunks) >= 3
    assert all(len(c.text) <= 1200 for c in chunks)
    assert all(c.section == "II. NHIỆM VỤ > 2.1. Sở Y tế" for c in chunks)
    assert chunks[0].text.startswith("II. NHIỆM VỤ\n2.1. Sở Y tế\nSở Y tế")  # headings go with the first piece
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end  # overlap
        assert a.text.endswith(".")  # cut after a sentence
    lengths = [len(c.text) for c in chunks]
    assert max(lengths) - min(lengths) < 400  # near-equal pieces, no stub at the end


def test_long_list_splits_between_items_and_keeps_its_intro() -> None:
    items = "".join(f"- Nhiệm vụ {i}: {SENTENCE}\n" for i in range(30))
    text = doc("3. Tổ chức thực hiện\nCác sở, ngành tập trung thực hiện một số nhiệm vụ sau đây:\n" + items)
    chunks = [c for c in chunks_of(text, size=800, overlap=100) if "Nhiệm vụ" in c.text]
    assert len(chunks) >= 4
    first = chunks[0]
    assert "Các sở, ngành tập trung" in first.text and "- Nhiệm vụ 0:" in first.text  # intro with first items
    for c in chunks:
        assert c.text.startswith(("3. Tổ chức", "- Nhiệm vụ"))  # cut between items
        assert c.text.endswith(".")
    for c in chunks[1:]:
        assert c.section == "3. Tổ chức thực hiện > Các sở, ngành tập trung thực hiện một số nhiệm vụ sau đây"


def test_a_heading_never_ends_a_chunk() -> None:
    body = "1. Đánh giá kết quả\n" + SENTENCE * 11 + "\n2. Nhiệm vụ trọng tâm\n2.1. Sở Y tế\n" + SENTENCE * 12 + "\n"
    text = doc(body)
    blocks = parse_blocks(text)
    zones = block_zones(text, blocks)
    for c in chunks_of(text, size=1200):
        inside = [b for b, z in zip(blocks, zones, strict=True) if z == "body" and c.start <= b.start < c.end]
        if inside:
            assert inside[-1].kind != "heading", c.text[-80:]
    c = holding(chunks_of(text), "2.1. Sở Y tế")
    assert "2. Nhiệm vụ trọng tâm" in c.text


def test_pages_from_page_starts() -> None:
    page1 = HEADER + "I. MỤC ĐÍCH\n" + SENTENCE * 5 + "\n"
    page2 = "II. NHIỆM VỤ\n" + SENTENCE * 5 + "\n" + "III. TỔ CHỨC THỰC HIỆN\n" + SENTENCE * 5 + "\n"
    page3 = "IV. KINH PHÍ\n" + SENTENCE * 20 + "\n"
    text = page1 + page2 + page3
    norm = NormalizedText(text=text, page_starts=[0, len(page1), len(page1) + len(page2)])
    chunks = chunk_document("p", norm, parse_blocks(text), size=1200)
    assert chunks[0].page == 1 and chunks[0].page_end == 1
    assert holding(chunks, "II. NHIỆM VỤ").page == 2
    kinh_phi = [c for c in chunks if c.start >= len(page1) + len(page2)]
    assert kinh_phi and all(c.page == 3 and c.page_end == 3 for c in kinh_phi)
    for c in chunks:
        assert c.page == norm.page_at(c.start) and c.page_end == norm.page_at(c.end - 1)
    # A chunk that runs over a page break says so.
    long_para = SENTENCE * 6
    text2 = HEADER + "I. MỤC ĐÍCH\n" + long_para + "\n"
    cut = text2.index(long_para) + 200
    spanning = chunk_document("q", NormalizedText(text=text2, page_starts=[0, cut]), parse_blocks(text2))
    c = holding(spanning, "I. MỤC ĐÍCH")
    assert (c.page, c.page_end) == (1, 2)
    assert chunks_of(text)[0].page is None  # unpaged text


def test_nfd_text_offsets_are_exact() -> None:
    text = unicodedata.normalize("NFD", doc("I. MỤC ĐÍCH\n" + SENTENCE * 30 + "\n"))
    chunks = chunks_of(text)
    assert len(chunks) > 3
    for c in chunks:
        assert text[c.start : c.end] == c.text


def test_odd_inputs() -> None:
    assert chunk_document("x", NormalizedText(text=""), []) == []
    assert chunks_of("") == []
    (one,) = chunks_of("Một dòng duy nhất.")
    assert (one.text, one.start, one.end, one.section) == ("Một dòng duy nhất.", 0, 18, "")
    with pytest.raises(ValueError):
        chunks_of("Một dòng.", size=10)


def test_sample_notice_chunks(sample_chunks: tuple[str, list[Chunk]]) -> None:
    _, chunks = sample_chunks
    c = holding(chunks, "Sở Y tế chủ trì phối hợp với Sở Nội vụ")
    parts = c.section.split(SECTION_SEPARATOR)
    assert parts[0].startswith("2. Một số nhiệm vụ trọng tâm")
    assert parts[1].startswith("2.1. Các sở, ban ngành")
    assert parts[2].startswith("2.1.2. Về công tác chuẩn bị bầu cử")
    assert chunks[0].text.startswith("THÔNG BÁO") and chunks[0].section == ""
    assert holding(chunks, "1. Đánh giá tình hình").text.startswith("1. Đánh giá tình hình")
    assert all("Nơi nhận" not in c.text for c in chunks)
    assert "Trịnh Sỹ Tài" in chunks[-1].text


@pytest.fixture(scope="module")
def sample_chunks() -> tuple[str, list[Chunk]]:
    text = approx_normalize(SAMPLE.read_text(encoding="utf-8"))
    return text, chunk_document("sample", NormalizedText(text=text), parse_blocks(text))


# ---------------------------------------------------------------- the dev corpus, as a property


def _check_document(name: str, text: str, size: int, overlap: int) -> None:
    norm = NormalizedText(text=text, page_starts=[0, len(text) // 3, 2 * len(text) // 3])
    blocks = parse_blocks(text)
    zones = block_zones(text, blocks)
    chunks = chunk_document(name, norm, blocks, size=size, overlap=overlap, min_size=200)
    assert chunks, name
    covered = []
    starts = [b.start for b in blocks]
    for i, c in enumerate(chunks):
        assert c.ordinal == i and c.chunk_id == f"{name}_{i}"
        assert norm.text[c.start : c.end] == c.text, name
        assert c.text.strip() == c.text and c.text, name
        assert len(c.text) <= size, (name, len(c.text))
        assert c.page == norm.page_at(c.start) and c.page_end == norm.page_at(c.end - 1)
        covered.append((c.start, c.end))
        lo = max(0, bisect.bisect_right(starts, c.start) - 1)
        hi = bisect.bisect_left(starts, c.end)
        inside = [j for j in range(lo, hi) if blocks[j].end > c.start]
        # The section is the common path of the blocks the chunk covers (never a guess); only
        # the headings that lead into it may sit higher.
        section = c.section + SECTION_SEPARATOR if c.section else ""
        for j in inside:
            path = SECTION_SEPARATOR.join(blocks[j].path) + SECTION_SEPARATOR if blocks[j].path else ""
            assert path.startswith(section) or (blocks[j].kind == "heading" or blocks[j].intro), name
            assert path.startswith(section) or section.startswith(path), name
        # Never across the header/body or body/footer boundary.
        assert len({zones[j] == "body" for j in inside}) == 1, name
    # Every block except the recipient list is covered by some chunk.
    covered.sort()
    j = 0
    for b, z in zip(blocks, zones, strict=True):
        while j < len(covered) and covered[j][1] <= b.start:
            j += 1
        if z == "recipients":
            continue
        pos = b.start
        k = j
        while pos < b.end:
            if text[pos].isspace():
                pos += 1
            elif k < len(covered) and covered[k][0] <= pos:
                pos = max(pos, covered[k][1])
                k += 1
            else:
                break
        assert pos >= b.end, (name, text[b.start : b.end][:60])


@pytest.mark.skipif(not dev_files(), reason="dev corpus not available")
@pytest.mark.parametrize("size,overlap", [(800, 100), (1200, 150)])
def test_dev_corpus_chunks_are_exact_slices(size: int, overlap: int) -> None:
    for path in [*dev_files(), *law_files()[:3], SAMPLE]:
        _check_document(path.stem, approx_normalize(path.read_text(encoding="utf-8")), size, overlap)


@pytest.mark.skipif(not dev_files() or real_normalizer() is None, reason="dev corpus or ingest.normalize missing")
def test_dev_corpus_chunks_on_the_real_normaliser_output() -> None:
    normalize_text = real_normalizer()
    for path in [*dev_files()[::3], SAMPLE]:
        _check_document(path.stem, normalize_text(path.read_text(encoding="utf-8")), 1200, 150)
