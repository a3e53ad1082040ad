"""Text + blocks → ``Assignment`` list: which agency was given which task, in which role.

The grammar, applied to every body block (``ingest/structure.py``) of a directive:

- a clause that starts with agencies and goes on with a predicate is a task for them:
  "Sở Y tế chủ trì, phối hợp với Sở Nội vụ …", "Sở Nội vụ, Sở Tài chính có trách nhiệm …",
  "Các Bộ: Quốc phòng, Công an chủ động …", "Bộ, ngành, địa phương theo chức năng …";
- so is a clause after "Giao", "Đề nghị", "Yêu cầu", "Ủy quyền cho" ("Chính phủ đề nghị X …",
  "Chủ tịch UBND tỉnh yêu cầu X …", "Về …: Giao Bộ Tài chính chủ trì …", "(Giao Công an tỉnh
  chủ trì …)"), and after a short adverbial ("Trên cơ sở đó, Bộ Tư pháp tổng hợp …");
- "X: <task>" is a task for X; a block that only names agencies ("2. Bộ Công an:", "a) Sở Y tế")
  or introduces a list ("3.5. Sở Y tế, … thực hiện một số nhiệm vụ sau đây:", "Bộ Tài chính chỉ
  đạo Bảo hiểm xã hội Việt Nam:") hands its agencies to the blocks under it: every item, sub-item
  or paragraph there without agencies of its own is a task for each of them; an introducing
  clause whose list assigns nothing ("… báo cáo các nội dung sau:") is a task itself;
- plans written as fields ("Cơ quan chủ trì: …", "Cơ quan phối hợp: …", "Thời gian thực hiện:
  …") give the section's task to the agencies of each field;
- "Tỉnh …" as a subject, in a notice about one province, is that province's People's Committee;
- the role is "chủ trì" when the predicate (or the introducing clause) says so, "phối hợp" when the
  task starts with "Phối hợp", else "giao"; agencies after "phối hợp (với)" in a "chủ trì" task
  get the same task as "phối hợp";
- nothing is taken from the header, the preamble ("Căn cứ …", "Theo đề nghị của …"), the
  recipients and signature, sections of aims or scope ("Mục đích, yêu cầu", "Đối tượng"), clauses
  in the past or passive ("Sở Y tế đã tổ chức …", "Thủ tướng đã giao …"); in review sections
  ("Đánh giá …", "Kết quả …") only explicit requests ("Đề nghị …", "Giao …") count.

A line the normaliser could not join to the one before ("… thành phố Hà" / "Nội, …") is read
with it. The task is the assignment's own clause or item, without its label or an "X:" agency
prefix (``subject_in_task=False`` also cuts the agencies that open a clause); ``start`` and
``end`` index the text (``text[start:end] == task``); ``section`` is the heading path;
``deadline`` the deadline phrase as printed ("trước ngày 15/12/2016", "trong quý III/2025").
"""

from __future__ import annotations

from chidao.lang.agencies import AgencyCanon
from chidao.lang.glued import deglue
from chidao.records import Assignment, Block
from ingest.assignments.extractor import Extractor

__all__ = ["extract_assignments"]


def extract_assignments(
    text: str, blocks: list[Block], canon: AgencyCanon, *, subject_in_task: bool = True
) -> list[Assignment]:
    """Every assignment in a directive: one per (agency, task), in document order.

    ``text`` is the normalised text and ``blocks`` its ``parse_blocks`` result; every
    assignment's ``task`` is ``text[start:end]``. ``subject_in_task=False`` cuts the agencies
    that open a clause off its task ("chủ trì, phối hợp …" instead of "Sở Y tế chủ trì, …").
    """
    if not text or not blocks:
        return []
    view = deglue(text)
    if not view.changed:
        return Extractor(text, blocks, canon, subject_in_task).run()
    # glued syllables ("Uỷ ban nhân dântỉnh", "đềnghị") are read with their spaces put back;
    # every span is then mapped to the text as it is
    spaced = [b.model_copy(update={"start": view.to_spaced(b.start), "end": view.to_spaced(b.end)}) for b in blocks]
    ex = Extractor(view.text, spaced, canon, subject_in_task, original=(text, blocks))
    out = []
    for a in ex.run():
        s, e = view.to_original(a.start), view.to_original(a.end)
        out.append(a.model_copy(update={"start": s, "end": e, "task": text[s:e]}))
    return out
