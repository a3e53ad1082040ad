"""The cue vocabularies of questions, in one place: what makes a question ask for an agency's tasks,
for the documents citing a number, for a signer or for a document's identity, and the words that only
frame a question. All matched on accent-folded text, so questions typed without accents read the same.
"""

from __future__ import annotations

import re

from chidao.lang.text import fold

CITED_BY_CUES = (
    "dan chieu",
    "can cu",
    "nhac den",
    "nhac toi",
    "nhac lai",
    "trich dan",
    "vien dan",
    "tiep theo",
    "tiep noi",
    "duoc ap dung",
)
WHICH_DOCS = re.compile(
    r"\b(van ban nao|nhung van ban|cac van ban|ke hoach nao|nhung ke hoach|cong dien nao|quyet dinh nao|"
    r"chi thi nao|nghi quyet nao|thong bao nao|tai lieu nao|o dau)\b"
)
IMPLEMENT_CUES = re.compile(r"\b(trien khai|thuc hien|cu the hoa|huong dan|quan triet|to chuc thuc hien)\b")
TASK_CUES = re.compile(
    r"\b(giao|nhiem vu|trach nhiem|chu tri|phoi hop|lam gi|phai|can lam|duoc yeu cau|duoc de nghi|"
    r"phan cong|dam nhiem|phu trach|vai tro|co nhiem vu)\b"
)
WHO = re.compile(r"(^|\b)(ai|co quan nao|don vi nao|bo nao|so nao|nganh nao|cap nao|luc luong nao)\b")

# Words that frame a question about tasks rather than name its topic.
FRAME_TEXT = (
    "được giao nhiệm vụ trách nhiệm có phải làm cần thực hiện những các gì nào trong việc về liên quan "
    "đến chủ trì phối hợp yêu cầu đề nghị ai cơ quan đơn vị"
)
FRAME_WORDS = frozenset(fold(w) for w in FRAME_TEXT.split())
# The words of a question's form ("… như thế nào?", "… là bao nhiêu?", "có … không?", "ở đâu?"), with their
# accents: they name no subject (accent-free questions are matched on the folded forms).
QUESTION_WORDS = frozenset("như thế nào là gì không có hay ra sao bao nhiêu giờ khi đâu mấy chưa ở".split())
# Lines that are never an answer: place and date, the motto, a bare number line.
LOW_VALUE = re.compile(
    r"^(?:[\w\s.]+,\s*)?ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}$"
    r"|^cong hoa xa hoi chu nghia viet nam$|^doc lap\W+tu do\W+hanh phuc$|^so\s*:"
)
SIGNER_CUE = re.compile(r"\b(ai ky|nguoi ky|do ai ky|ky ban hanh|ky van ban|ky thay|ky thua)\b")
IDENTITY_CUE = re.compile(
    r"\b(van ban|quyet dinh|cong dien|nghi quyet|chi thi|ke hoach|thong bao|cong van|thong tu|nghi dinh|quy dinh"
    r"|tinh|dia phuong|thanh pho) nao\b"
    r"|\bso hieu\b|\bban hanh ngay\b|\bngay nao\b|\bthanh lap theo\b"
)
