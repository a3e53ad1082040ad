"""Administrative synonyms and abbreviations of Vietnamese, for expanding a query on the lexical side.

Each group lists forms of one notion: an abbreviation and its spelling-out ("THCS" = "trung học cơ sở"),
spelling variants ("ô xy", "oxy"), or a common wording and the administrative term for it ("heo" for lợn).
A query naming one form is expanded with the others, which the searcher scores at a lower weight than the
query's own words. The groups are general vocabulary of administrative documents, matched on
accent-folded whole words; none is taken from an evaluation question (the issue's own paraphrase examples
and pages2-dev's question wordings were removed for that reason).
"""

from __future__ import annotations

import re
from functools import lru_cache

from chidao.lang.text import fold

GROUPS: tuple[tuple[str, ...], ...] = (
    # bodies and offices
    ("UBND", "ủy ban nhân dân"),
    ("HĐND", "hội đồng nhân dân"),
    ("MTTQ", "mặt trận tổ quốc"),
    ("VPCP", "văn phòng chính phủ"),
    ("TTg", "thủ tướng"),
    ("BCĐ", "ban chỉ đạo"),
    ("CSGT", "cảnh sát giao thông"),
    ("BHXH", "bảo hiểm xã hội"),
    ("BHYT", "bảo hiểm y tế"),
    ("BHTN", "bảo hiểm thất nghiệp"),
    ("NHNN", "ngân hàng nhà nước"),
    ("HTX", "hợp tác xã"),
    ("DN", "doanh nghiệp"),
    ("DNNVV", "doanh nghiệp nhỏ và vừa"),
    ("TP", "thành phố"),
    # fields of ministries and departments
    ("GD&ĐT", "GDĐT", "giáo dục và đào tạo"),
    ("NN&PTNT", "nông nghiệp và phát triển nông thôn"),
    ("TN&MT", "TNMT", "tài nguyên và môi trường"),
    ("LĐTBXH", "LĐ-TB&XH", "lao động thương binh và xã hội"),
    ("VHTTDL", "VH-TT&DL", "văn hóa thể thao và du lịch"),
    ("KH&ĐT", "KHĐT", "kế hoạch và đầu tư"),
    ("KH&CN", "KHCN", "khoa học và công nghệ"),
    ("TT&TT", "TTTT", "thông tin và truyền thông"),
    ("CNTT", "công nghệ thông tin"),
    # subjects
    ("THCS", "trung học cơ sở"),
    ("THPT", "trung học phổ thông"),
    ("mầm non", "mẫu giáo", "nhà trẻ"),
    ("giáo viên", "nhà giáo", "thầy cô"),
    ("NSNN", "ngân sách nhà nước"),
    ("XDCB", "xây dựng cơ bản"),
    ("ĐTXD", "đầu tư xây dựng"),
    ("ĐTC", "đầu tư công"),
    ("ATGT", "an toàn giao thông"),
    ("TTATGT", "trật tự an toàn giao thông"),
    ("TNGT", "tai nạn giao thông"),
    ("PCCC", "phòng cháy chữa cháy", "chữa cháy"),
    ("PCTT", "phòng chống thiên tai"),
    ("TKCN", "tìm kiếm cứu nạn"),
    ("CCHC", "cải cách hành chính"),
    ("TTHC", "thủ tục hành chính"),
    ("VBQPPL", "văn bản quy phạm pháp luật"),
    ("KT-XH", "KTXH", "kinh tế xã hội"),
    ("VSATTP", "ATTP", "an toàn thực phẩm", "vệ sinh thực phẩm"),
    ("GPMB", "giải phóng mặt bằng"),
    ("BĐKH", "biến đổi khí hậu"),
    ("NTM", "nông thôn mới"),
    ("ĐTM", "đánh giá tác động môi trường"),
    ("CPI", "chỉ số giá tiêu dùng"),
    ("GDP", "tổng sản phẩm trong nước"),
    ("GRDP", "tổng sản phẩm trên địa bàn"),
    ("ô xy", "oxy", "ôxy"),
    ("vắc xin", "vaccine", "vacxin", "tiêm phòng", "tiêm chủng"),
    ("lợn", "heo"),
    ("gia cầm", "gà vịt"),
    ("gia súc", "trâu bò"),
    ("hộ nghèo", "người nghèo"),
    ("người cao tuổi", "người già"),
    ("phụ nữ", "chị em", "bình đẳng giới"),
    ("trẻ em", "trẻ nhỏ", "con trẻ"),
    ("người lao động", "công nhân"),
    ("kinh phí", "vốn", "ngân sách"),
    ("đề nghị", "kiến nghị"),
    ("hỗ trợ", "giúp đỡ"),
    ("chất thải", "rác"),
    ("hạn hán", "khô hạn"),
    ("thiên tai", "bão lũ", "mưa bão"),
    ("ngập lụt", "lũ lụt"),
    ("tiết kiệm năng lượng", "tiết kiệm điện"),
    ("lãng phí", "phung phí"),
    ("tài sản công", "tài sản nhà nước"),
    ("phòng chống dịch", "phòng dịch", "chống dịch"),
    ("nhân dân", "người dân", "dân"),
    ("cán bộ công chức", "cán bộ", "công chức"),
    ("khen thưởng", "khen"),
    ("tuyên truyền", "phổ biến"),
    ("bệnh viện", "cơ sở khám chữa bệnh", "cơ sở y tế"),
)


def _key(phrase: str) -> str:
    return " ".join(re.findall(r"\w+", fold(phrase.replace("&", " "))))


@lru_cache(maxsize=1)
def _index() -> tuple[re.Pattern[str], dict[str, list[int]]]:
    where: dict[str, list[int]] = {}
    for i, group in enumerate(GROUPS):
        for form in group:
            where.setdefault(_key(form), []).append(i)
    pattern = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, where), key=len, reverse=True)) + r")(?!\w)")
    return pattern, where


def expansions(text: str) -> list[str]:
    """The other forms of every lexicon group a text names, each once (none of the text's own forms)."""
    pattern, where = _index()
    folded = " ".join(re.findall(r"\w+", fold(text.replace("&", " "))))
    named = {m.group(1) for m in pattern.finditer(folded)}
    out: list[str] = []
    for form in named:
        for i in where[form]:
            for other in GROUPS[i]:
                k = _key(other)
                if k not in named and other not in out and f" {k} " not in f" {folded} ":
                    out.append(other)
    return out
