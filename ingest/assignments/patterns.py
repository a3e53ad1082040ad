"""The word patterns of the assignment grammar: connectives, formulas, headings, deadlines."""

from __future__ import annotations

import re

# Connectives that hand a task to the agencies after them.
_TRIGGER_RE = re.compile(
    r"(?:(?<=^)|(?<=[\s(:;,\"“]))(?:trân trọng\s+)?"
    r"(?P<w>giao (?:trách nhiệm|trach nhiem|nhiệm vụ|nhiem vu)(?: cho)?|phân công (?:trách nhiệm|nhiệm vụ)(?: cho)?|"
    r"giao cho|giao|đề nghị|yêu cầu|ủy quyền cho|uỷ quyền cho|ủy quyền|uỷ quyền|phân công cho|phân công|"
    r"đồng ý (?:để|cho)|đồng ý|chấp thuận (?:để|cho)|cho phép|thống nhất (?:để|cho))\s+",
    re.IGNORECASE,
)
# The end of a speaker who hands a task on with a lower-case "giao": "Thủ tướng Chính phủ giao …",
# "Phó Thủ tướng Trịnh Đình Dũng giao …", "Chủ tịch UBND tỉnh giao …" (not "bàn giao", "nhiệm vụ giao").
_SPEAKER_END_RE = re.compile(
    r"(?:\b(?:Chính\s+phủ|Thủ\s+tướng|Bộ\s+trưởng|Chủ\s+tịch|UBND|[Ủủ]y\s+ban\s+nhân\s+dân)(?:\s+(?:tỉnh|thành\s+phố|huyện))?"
    r"|\b[A-ZĐÀ-Ỹ][\wà-ỹ]*)(?:\s+(?:cũng|tiếp\s+tục|thống\s+nhất|đồng\s+ý))?\s+$"
)
# After "đề nghị"/"yêu cầu" these words mean a noun ("theo đề nghị của …"), not a request.
_NOT_AFTER_TRIGGER = frozenset({"của", "tại", "này", "đó", "trên", "về", "như", "đối", "được", "nêu"})
# Predicates that report instead of assign.
_PAST_RE = re.compile(r"^(?:cũng\s+|đều\s+)?(?:đã|đang|vừa|chưa|từng|sẽ|không\s+được|bị|được|trực tiếp là)\b")
# Predicates of the issuer's own formulas ("Văn phòng Chính phủ xin thông báo để … biết").
_NOT_TASK_RE = re.compile(
    r"^(?:xin\s+|trân trọng\s+)?(?:(?:thông báo(?!\s+(?:cho|đến|tới|rộng\s+rãi|công\s+khai)\b)|cảm ơn|kết luận|"
    r"có ý kiến(?:\s+chỉ\s+đạo)?(?=\s*(?:như\s+sau|:|\.|$))|ghi nhận|biểu dương|đánh giá cao|"
    r"hoan nghênh|nhất trí|kính gửi|gửi kèm|ban hành kèm theo|nhận được)\b|"
    # the speaker's approval, after which the clause hands the work on: "thống nhất chủ trương, giao Sở X …"
    r"(?:thống nhất|đồng ý|nhất trí|chấp thuận)\s+(?:với\s+)?(?:chủ trương|đề xuất|đề nghị|nội dung|phương án|"
    r"ý kiến|kiến nghị|báo cáo)\b|"
    r"(?:báo\s+cáo|hướng\s+dẫn)\b[^.;:]{0,200}\bnhư\s+sau\s*:)"  # the speaker's own report: "… báo cáo … như sau:"
)
# The predicate of a decision's closing article: "… chịu trách nhiệm thi hành Quyết định này".
_CLOSING_RE = re.compile(
    r"[\s,;]*(?:(?:chịu\s+trách\s+nhiệm|có\s+trách\s+nhiệm)\s+(?:tổ\s+chức\s+)?(?:thi\s+hành|thực\s+hiện)\s+"
    r"(?:Quyết\s+định|Chỉ\s+thị|Thông\s+tư|Nghị\s+quyết|Kế\s+hoạch|văn\s+bản)\s+này"
    # "… căn cứ Quyết định (này) (để) thi hành", "… căn cứ Quyết định này thực hiện"
    r"|căn\s+cứ\s+(?:Quyết\s+định|Chỉ\s+thị|Thông\s+tư|Nghị\s+quyết|Kế\s+hoạch)(?:\s+này)?\s+(?:để\s+)?"
    r"(?:thi\s+hành|thực\s+hiện))",
    re.IGNORECASE,
)
# The recipients of a letter: "Kính gửi: Bộ Công Thương".
_RECIPIENTS_RE = re.compile(r"(?:K[íi]nh\s+g[ửu]i|(?<![\w])(?:ĐIỆN|Điện)(?=\s*:))\s*:?\**\s*")
# The courtesy before the heads a decision's closing article addresses: "Các ông (bà):", "Các ông, bà".
_COURTESY_RE = re.compile(r"(?:[Cc]ác\s+)?[Ôô]ng\s*(?:\(\s*bà\s*\)|,\s*bà|/\s*bà)\s*:?\s*")
# An intro whose list is the content of a report, not tasks: "… báo cáo làm rõ một số nội dung sau:".
_REPORT_INTRO_RE = re.compile(
    r"\b(?:báo\s+cáo|giải\s+trình|làm\s+rõ|cung\s+cấp)\b[^.;:]{0,60}\b(?:nội\s+dung|vấn\s+đề|thông\s+tin|số\s+liệu)"
    r"[^.;:]{0,20}\bsau(?:\s+đây)?\s*:\s*\**$",
    re.IGNORECASE,
)
# The turn from an intro's own task to the list under it: "…, trong đó tập trung (thực hiện) … sau:".
_OWN_BEFORE_LIST_RE = re.compile(r",\s*trong\s+đó\b[^.;]{0,120}\bsau(?:\s+đây)?\s*:?\s*\**$", re.IGNORECASE)
# The formula that closes a directive: "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, … báo cáo …".
_DIFFICULTY_RE = re.compile(
    r"\W*(?:trong\s+quá\s+trình[^,.;]{0,60},\s*)?(?:nếu|trường\s+hợp)\s+(?:có|phát\s+sinh|gặp)\s+"
    r"(?:khó\s+khăn|vướng\s+mắc)",
    re.IGNORECASE,
)
# A closing exhortation to carry out what was said above, as the whole predicate: "(đề nghị các cơ quan, đơn vị)
# khẩn trương, nghiêm túc triển khai thực hiện đầy đủ các nội dung chỉ đạo nêu trên", "… quan tâm thực hiện./.".
_EXHORT_RE = re.compile(
    r"(?:(?:khẩn\s+trương|nghiêm\s+túc|kịp\s+thời|quan\s+tâm|chủ\s+động|tích\s+cực)\s*,?\s*)*"
    r"(?:(?:tổ\s+chức\s+)?triển\s+khai(?:\s*(?:,|và)?\s*thực\s+hiện)?|thực\s+hiện)"
    r"(?:\s+(?:nghiêm\s+túc|đầy\s+đủ|kịp\s+thời|có\s+hiệu\s+quả|hiệu\s+quả|tốt))*"
    r"(?:\s+(?:các|những)\s+(?:nội\s+dung|yêu\s+cầu|nhiệm\s+vụ)(?:\s+chỉ\s+đạo)?\s+(?:nêu\s+)?trên)?"
    r"(?:\s+(?:đúng\s+|theo\s+)?(?:thẩm\s+quyền|chức\s+năng)[^.;]{0,30})?"
    # "…; kịp thời báo cáo UBND tỉnh những khó khăn, vướng mắc để xem xét, chỉ đạo"
    r"(?:\s*[;,]\s*[^.;]{0,40}?\bbáo\s+cáo\b[^.;]{0,60}?\b(?:khó\s+khăn|vướng\s+mắc)[^.;]{0,60})?[\s./]*",
    re.IGNORECASE,
)
# The clause saying when a text applies: "Quyết định này có hiệu lực (thi hành) kể từ ngày ký".
_IN_FORCE_RE = re.compile(
    r"\W*(?:Quyết\s+định|Chỉ\s+thị|Thông\s+tư|Nghị\s+quyết|Kế\s+hoạch|Văn\s+bản|Quy\s+chế)\s+này\s+có\s+hiệu\s+lực",
    re.IGNORECASE,
)
# The formula a notice closes with: "… thông báo để X biết, thực hiện./.".
_NOTICE_RE = re.compile(r"\bbiết(?:\s*,\s*|\s+và\s+)(?:thực\s+hiện|chỉ\s+đạo|phối\s+hợp)[\s./]*$", re.IGNORECASE)
# Headings of sections that review, not assign.
_LABEL = r"^(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])?[.)]?\s*"
_REVIEW_RE = re.compile(
    _LABEL + r"(?:danh gia|ket qua|tinh hinh|thuc trang|ton tai|han che|nguyen nhan|bai hoc|boi canh|"
    r"mot so ket qua|nhung ket qua)\b"
)
# Short headings of sections that state aims or scope: "I. MỤC ĐÍCH, YÊU CẦU", "1. Đối tượng thi đua".
_AIMS_RE = re.compile(
    _LABEL + r"(?:muc dich|yeu cau|muc tieu|quan diem|doi tuong|pham vi|giai thich tu ngu|nguyen tac)\b"
    r"[^.;:]{0,40}$"
)
_PREAMBLE_RE = re.compile(r"^(?:can cu|xet de nghi|theo de nghi|xet to trinh|theo to trinh)\b")
_SKIP_RE = re.compile(r"^(?:noi nhan|thua lenh|luu\s*:|\*?\s*luu y)\b")
# Adverbials a predicate may open with before "chủ trì"/"phối hợp".
# The competence a subject acts within: "theo chức năng, nhiệm vụ, thẩm quyền được giao", "trong phạm vi chức
# năng, nhiệm vụ, quyền hạn của mình", "căn cứ chức năng quản lý".
_COMPETENCE = r"(?:chức năng|nhiệm vụ|quyền hạn|thẩm quyền|lĩnh vực|phạm vi|trách nhiệm)(?:\s+quản lý)?"
_COMPETENCE_PHRASE = (
    r"(?:theo|căn cứ(?:\s+vào)?|trong phạm vi|thuộc phạm vi|trên cơ sở)\s+(?:(?:đúng|các)\s+)?"
    rf"{_COMPETENCE}(?:\s*(?:,|và)\s*{_COMPETENCE})*"
    r"(?:\s+(?:được\s+giao|được\s+phân\s+công|của\s+mình|của\s+đơn\s+vị|của\s+từng\s+cơ\s+quan|"
    r"theo\s+quy\s+định|quy\s+định))*"
)
_ADVERBIAL_RE = re.compile(
    rf"^(?:(?:{_COMPETENCE_PHRASE}|{_COMPETENCE}(?:\s*,\s*{_COMPETENCE})*\s+(?:của\s+mình|được\s+giao)"
    r"|tiếp tục|khẩn trương|chủ động|theo chức năng(?:,\s*nhiệm vụ)?(?:,\s*quyền hạn)?"
    r"(?: được giao)?|căn cứ chức năng(?:,\s*nhiệm vụ)?(?: được giao)?|theo thẩm quyền|trong phạm vi[^,]{0,60}"
    r"|là đầu mối|là cơ quan|có trách nhiệm|thực hiện vai trò[^,;]{0,80}?)[,\s]*)+",
    re.IGNORECASE,
)
_CHAIR_RE = re.compile(r"^(?:tiếp tục\s+)?chủ\s+trì\b", re.IGNORECASE)
_COOP_RE = re.compile(r"^phối\s+hợp\b", re.IGNORECASE)
_COOP_WITH_RE = re.compile(
    r"(?:\bphối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?|\bchủ\s+trì\s*,?\s*cùng(?:\s+với)?|\bkết\s+hợp\s+(?:cùng\s+)?với)\s+",
    re.IGNORECASE,
)
# A heading that names whose duties follow: "Trách nhiệm của Sở Y tế", "Nhiệm vụ cụ thể của các sở, ngành:",
# "Trách nhiệm thực hiện đối với UBND các huyện".
# Matched on the folded text (accents stripped, lower case), so a text typed without accents reads the same.
_DUTY_OF_RE = re.compile(
    r"(?:(?:phan\s+cong\s+)?(?:trach\s+nhiem|nhiem\s+vu)(?:\s*,\s*(?:trach\s+nhiem|nhiem\s+vu|quyen\s+han))?"
    r"(?:\s+(?:cu\s+the|chu\s+yeu|chinh|thuc\s+hien|duoc\s+giao))?|phan\s+cong\s+(?:cho|doi\s+voi))"
    r"\s+(?:cua|doi\s+voi|cho)\s+"
)
# Field-style plans: "Cơ quan chủ trì: …", "Đơn vị phối hợp: …", "Thời gian thực hiện: …".
_FIELD_RE = re.compile(
    r"^(?P<f>(?:cơ quan|đơn vị|bộ phận)\s+(?:chủ trì|phối hợp|thực hiện|tham mưu)|"
    r"thời gian(?:\s+(?:thực hiện|hoàn thành))?|thời hạn(?:\s+hoàn thành)?|nội dung(?:\s+thực hiện)?|"
    r"sản phẩm|kết quả)\s*:\s*",
    re.IGNORECASE,
)

_DATE = r"\d{1,2}(?:\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
_MONTH = r"(?:\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+năm\s+\d{4}|\d{1,2})"
_QUARTER = r"(?:IV|I{1,3}|[1-4])(?![\w])(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?"
_DEADLINE_RE = re.compile(
    rf"(?:(?:hoàn thành|xong|chậm nhất|muộn nhất)\s+)?"
    rf"(?:"
    rf"(?:trước|chậm nhất|muộn nhất|không quá|đến hết)\s+"
    rf"(?:\d{{1,2}}\s*(?:giờ|h)(?:\s*\d{{2}}['’]?)?\s+)?ngày\s+{_DATE}"
    rf"|(?:trong|trước|ngay trong|cuối)\s+tháng\s+{_MONTH}"
    rf"|(?:trong|trước|cuối)\s+quý\s+{_QUARTER}"
    rf"|(?:trong|trước)\s+năm\s+\d{{4}}"
    rf"|(?:trước|trong)\s+\d{{1,2}}\s*(?:giờ|h)\b[^.;]{{0,20}}?(?:hằng|hàng)\s+ngày"
    rf")",
    re.IGNORECASE,
)

# Openings of an adverbial phrase before the subject ("Trên cơ sở đó, Bộ Tư pháp …").
_OPENER_RE = re.compile(
    r"[\"“(*]*(?:trên cơ sở|căn cứ|thực hiện|triển khai|quán triệt|xét|trước|trong|để|nhằm|đối với|trường hợp|"
    r"sau khi|sau|khi|với|theo|"
    r"đồng thời|ngoài ra|bên cạnh|từ|tại|qua|nếu|riêng|về|thừa lệnh|thay mặt|cùng với|mặt khác|do|vì|"
    r"hằng năm|hàng năm|định kỳ|trước mắt|lâu dài|thời gian tới)\b",
    re.IGNORECASE,
)
# Items that list data to report, not work to do ("(1) Số hộ dân có nhà bị sập …").
_DATA_ITEM_RE = re.compile(
    r"(?:số|số lượng|tổng(?!\s+(?:hợp|kết|rà soát))|tổng số|danh sách|danh mục|tình hình|kết quả|nhu cầu|"
    r"thời gian|địa điểm|phạm vi|đối tượng|mục tiêu|mục đích|kinh phí|nguồn|thành phần|hồ sơ|tỷ lệ|giá trị|"
    r"diện tích|khối lượng|thời hạn|sản phẩm|chỉ tiêu)\b(?!\s+(?:hóa|liệu))",
    re.IGNORECASE,
)
# Words a clause cannot end with: the text goes on on the next line.
_OPEN_ENDINGS = frozenset(
    "báo cáo|gửi|trình|tham mưu|giao|đề nghị|yêu cầu|chỉ đạo|phối hợp|phối hợp với|với|của|và|cho|tại|về|"
    "các|những|để|từ|theo|giữa|hoặc|là|thuộc|trực thuộc|đến|trên|dưới|qua|hướng dẫn|đôn đốc|kiểm tra".split("|")
)
# A topic before the clause that assigns it: "Về việc hỗ trợ 20 xe ô tô: Tỉnh căn cứ …".
_TOPIC_RE = re.compile(r"^\s*(?:Về|Đối với|Riêng)\b[^.;]{3,300}:\s*$")
# Words before a verb that make it a noun ("theo đúng chỉ đạo", "sự phối hợp", "các báo cáo").
_NOUN_MARKERS = frozenset({"đúng", "sự", "các", "những", "của", "theo", "việc", "cuộc", "công", "tác", "mọi"})
_PLURAL_HEAD_END_RE = re.compile(r"\b[Cc]ác\s+(?:Bộ|Sở|bộ|sở)(?:,\s*(?:cơ quan|ngành))?\s*:$")
_SENT_END_RE = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9])")
_ABBREV_END_RE = re.compile(r"(?:\b[A-ZĐ]|\b(?:TP|Tp|TS|ThS|PGS|GS|v\.v|St|Q|P|TT|Ô|Bà|Ông))\.$")
_TASK_TRIM = " \t\n,;:-–—.*/\"'“”"
_MIN_TASK_CHARS = 12
_SHORT_TASK_WORDS = 8  # a predicate shorter than this is shown with its agencies
