# ruff: noqa: E501 - the documents are written one paragraph per line, as a clerk types them
"""A small follow-up corpus written for the board's tests: a notice with dated tasks, a report by one of the
assigned agencies that cites it, and a later notice that continues one of its tasks."""

from __future__ import annotations

from pathlib import Path

NOTICE_NUMBER = "15/TB-UBND"
NOTICE = """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG

Số: 15/TB-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Cao Bằng, ngày 10 tháng 3 năm 2025

THÔNG BÁO
Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp về y tế, giáo dục và đầu tư công

Ngày 07 tháng 3 năm 2025, Chủ tịch Ủy ban nhân dân tỉnh chủ trì cuộc họp về y tế, giáo dục và đầu tư công.
Sau khi nghe báo cáo của các sở, ngành, Chủ tịch Ủy ban nhân dân tỉnh kết luận như sau:

1. Sở Y tế chủ trì, phối hợp với Sở Tài chính rà soát nhu cầu trang thiết bị y tế của các trung tâm y tế tuyến huyện, báo cáo Ủy ban nhân dân tỉnh trước ngày 31/3/2025.

2. Sở Giáo dục và Đào tạo hoàn thành phương án sắp xếp mạng lưới trường, lớp học trên địa bàn tỉnh trong quý II/2025.

3. Sở Tài chính tổng hợp tình hình giải ngân vốn đầu tư công, báo cáo Ủy ban nhân dân tỉnh trước ngày 15 hằng tháng.

4. Công an tỉnh thường xuyên kiểm tra, bảo đảm an ninh trật tự tại các khu vực biên giới.

5. Sở Xây dựng trình Ủy ban nhân dân tỉnh quy hoạch chi tiết khu đô thị mới trong thời hạn 10 ngày kể từ ngày ký Thông báo này.

Văn phòng Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.

Nơi nhận:
- Các sở, ngành;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""

REPORT_NUMBER = "120/BC-SYT"
REPORT = """SỞ Y TẾ TỈNH CAO BẰNG

Số: 120/BC-SYT

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Cao Bằng, ngày 28 tháng 3 năm 2025

BÁO CÁO
Kết quả rà soát nhu cầu trang thiết bị y tế tuyến huyện

Thực hiện Thông báo số 15/TB-UBND ngày 10/3/2025 của Ủy ban nhân dân tỉnh, Sở Y tế báo cáo kết quả rà soát nhu cầu trang thiết bị y tế của các trung tâm y tế tuyến huyện như sau:

1. Nhu cầu bổ sung: 12 máy siêu âm và 8 máy xét nghiệm sinh hóa cho tuyến huyện.

2. Tổng kinh phí dự kiến 45 tỷ đồng từ nguồn ngân sách tỉnh.

Nơi nhận:
- UBND tỉnh;
- Lưu: VT.

GIÁM ĐỐC
Trần Thị Bình
"""

FOLLOW_NUMBER = "40/TB-UBND"
FOLLOW = """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG

Số: 40/TB-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Cao Bằng, ngày 20 tháng 6 năm 2025

THÔNG BÁO
Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp về giáo dục

Chủ tịch Ủy ban nhân dân tỉnh kết luận như sau:

1. Sở Giáo dục và Đào tạo tiếp tục hoàn thiện phương án sắp xếp mạng lưới trường, lớp học trên địa bàn tỉnh, trình Ủy ban nhân dân tỉnh trong quý III/2025.

2. Sở Văn hóa, Thể thao và Du lịch tổ chức Ngày hội văn hóa các dân tộc trước ngày 30/9/2025.

Văn phòng Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""


def write_board_corpus(folder: Path, *, report: bool = True, follow: bool = True) -> Path:
    """Write the notice (and the report and the later notice) as Markdown files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tb-15-ubnd-2025.md").write_text(NOTICE, encoding="utf-8")
    if report:
        (folder / "bc-120-syt-2025.md").write_text(REPORT, encoding="utf-8")
    if follow:
        (folder / "tb-40-ubnd-2025.md").write_text(FOLLOW, encoding="utf-8")
    return folder
