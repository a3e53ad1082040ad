"""What the assignment reader keeps while it reads: subjects, frames handed down, units (body blocks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chidao.lang.agencies import Leading
from chidao.records import Assignment, Block, Role


@dataclass
class Subject:
    lead: Leading
    task_start: int  # where the task text begins (after the agencies / connective)
    seg_start: int  # where the clause begins
    role: Role
    colon: bool = False  # "X: …"
    bare: bool = False  # the clause is only agencies
    trigger: bool = False  # handed over by "Giao", "Đề nghị", "Yêu cầu" …


@dataclass
class Frame:
    agencies: list[tuple[str, str]]
    role: Role
    handed: bool = False  # the agencies were addressed ("yêu cầu X …", "đề nghị X …"), not the speaker
    verb_first: bool = False  # a block is their task only when it opens with a verb ("Tổ chức …", "Tăng cường …")


@dataclass
class Unit:
    idx: int
    block: Block
    start: int  # after the label
    end: int
    section: str
    frame: Frame | None = None  # agencies the block hands to the blocks under it
    tasks: list[Assignment] = field(default_factory=list)
    pending: tuple[list[tuple[str, str]], int, int, Role] | None = None  # an intro's own clause
    ancestors: list[int] = field(default_factory=list)
    # a field of a plan: (kind, value start, value end, (agencies, role) for "agencies")
    field: tuple[str, int, int, tuple[list[tuple[str, str]], Role] | None] | None = None
