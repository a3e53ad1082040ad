"""The ``chidao`` command line (see CONTRACT.md): ingest, search, ask, refs, tasks, done, reopen, docs, passages, serve.

With ``--json`` a command prints exactly one JSON document on stdout (JSON lines for
``--queries``); progress bars and logs go to stderr.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from chidao.config import ConfigError, Settings, load_settings

logger = logging.getLogger(__name__)


def _settings(index: str | None, **overrides: Any) -> Settings:
    from chidao.store.factory import open_store

    try:
        settings = load_settings({"index": index, **overrides})
        open_store(settings.index)  # an unknown URL scheme is refused here, with the valid forms
        return settings
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _emit(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _open_searcher(settings: Settings):
    from chidao.store import IndexStateError
    from search.searcher import Searcher

    try:
        return Searcher.open(settings)
    except IndexStateError as exc:
        raise click.ClickException(str(exc)) from exc


def _read_queries(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{path}:{n}: not a JSON line ({exc.msg})") from exc
            if "query" not in row:
                raise click.ClickException(f'{path}:{n}: every line needs a "query"')
            rows.append(row)
    return rows


index_option = click.option(
    "--index",
    default=None,
    help="Index folder, or a postgresql://… URL (default: index/ beside the project, or $CHIDAO_INDEX).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-v info, -vv debug).")
@click.version_option(package_name="chidao")
def main(verbose: int) -> None:
    """chidao: search and question answering over Vietnamese government directives."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # Some libraries set their own loggers to DEBUG; the handler's level is what we control.
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    for noisy in ("httpx", "urllib3", "sentence_transformers", "transformers", "bm25s", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Drop documents whose file is gone.")
@click.option("--rebuild", is_flag=True, help="Start a new index from these files (e.g. after changing the model).")
@click.option("--wait", "wait", type=float, default=None, help="Seconds to wait if another ingest is running.")
@index_option
@json_option
def ingest(
    paths: tuple[Path, ...], prune: bool, rebuild: bool, wait: float | None, index: str | None, as_json: bool
) -> None:
    """Add files or folders (recursively) to the index; unchanged files are skipped."""
    from chidao.store import IndexStateError
    from ingest.pipeline import ingest_paths

    settings = _settings(index, lock_timeout=wait)
    try:
        report = ingest_paths(list(paths), settings, prune=prune, rebuild=rebuild, show_progress=sys.stderr.isatty())
    except IndexStateError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _emit(report.model_dump())
        return
    click.echo(
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, removed {report.removed}; "
        f"{report.chunks} chunks in the index ({report.embedded} embedded now)"
    )
    for d in report.duplicates:
        click.echo(f"  same content: {d['source']} = {d['same_as']}")
    for f in report.failed:
        click.echo(f"  FAILED {f.source}: {f.error}", err=True)


@main.command()
@click.argument("query", required=False)
@click.option("-k", "k", type=int, default=10, show_default=True)
@click.option("--type", "type_", help="Document type, e.g. 'Công điện'.")
@click.option("--issuer", help="Issuing body, e.g. 'Thủ tướng Chính phủ'.")
@click.option("--agency", help="Only documents assigning tasks to this agency.")
@click.option("--since", help="YYYY-MM-DD")
@click.option("--until", help="YYYY-MM-DD")
@click.option("--queries", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="JSONL file of queries.")
@index_option
@json_option
def search(query, k, type_, issuer, agency, since, until, queries, index, as_json) -> None:
    """Hybrid (dense + BM25) search; prints the best passages."""
    from chidao.records import Filters

    if not query and not queries:
        raise click.UsageError("give a QUERY or --queries FILE")
    settings = _settings(index)
    searcher = _open_searcher(settings)
    filters = Filters(type=type_, issuer=issuer, agency=agency, since=since, until=until)
    if queries:
        for row in _read_queries(queries):
            hits = searcher.search(row["query"], k=k, filters=filters)
            _emit({"id": row.get("id"), "results": [h.model_dump() for h in hits]})
        return
    hits = searcher.search(query, k=k, filters=filters)
    if as_json:
        _emit({"query": query, "results": [h.model_dump() for h in hits]})
        return
    if not hits:
        click.echo("Không tìm thấy đoạn nào phù hợp.")
    for n, h in enumerate(hits, 1):
        head = " · ".join(
            x for x in (h.number, h.type, h.date, h.section, f"tr. {h.page}" if h.page else None, h.warning) if x
        )
        click.echo(f"[{n}] {h.source}  ({h.score:.3f})\n    {head}\n    {h.text[:300]}")


@main.command()
@click.argument("question", required=False)
@click.option(
    "--queries", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="JSONL file of questions."
)
@index_option
@json_option
def ask(question, queries, index, as_json) -> None:
    """Answer a question from the documents, with citations."""
    if not question and not queries:
        raise click.UsageError("give a QUESTION or --queries FILE")
    settings = _settings(index)
    searcher = _open_searcher(settings)
    if queries:
        for row in _read_queries(queries):
            _emit({"id": row.get("id"), **searcher.ask(row["query"]).model_dump()})
        return
    answer = searcher.ask(question)
    if as_json:
        _emit(answer.model_dump())
        return
    click.echo(answer.answer)
    for c in answer.citations:
        where = " · ".join(x for x in (c.number, c.date, c.section, f"tr. {c.page}" if c.page else None) if x)
        click.echo(f"  [{c.n}] {c.source} — {where}")


@main.command()
@click.argument("number")
@index_option
@json_option
def refs(number, index, as_json) -> None:
    """A document number: the document itself if indexed, and every document citing it."""
    settings = _settings(index)
    result = _open_searcher(settings).refs(number)
    if as_json:
        _emit(result)
        return
    click.echo(result["number"])
    for d in result["documents"]:
        click.echo(f"  indexed: {d['source']} ({d.get('date') or '?'}) {d.get('title') or ''}")
    for c in result["cited_by"]:
        click.echo(f"  cited by {c['number'] or c['source']} ({c.get('date') or '?'}): {c['context'][:200]}")


def _parse_day(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"ngày không hợp lệ {value!r}, hãy viết YYYY-MM-DD (e.g. 2025-03-31)", param_hint=option
        ) from exc


STATUS_CHOICES = ["trong_han", "sap_den_han", "qua_han", "khong_thoi_han", "hoan_thanh"]


@main.command()
@click.argument("agency", required=False)
@click.option("--since", help="YYYY-MM-DD")
@click.option("--until", help="YYYY-MM-DD")
@click.option("--role", type=click.Choice(["chủ trì", "phối hợp", "giao"]), help="Only this role.")
@click.option("--as-of", "as_of", help="Status as of this day, YYYY-MM-DD (default today).")
@click.option("--status", type=click.Choice(STATUS_CHOICES), help="Only tasks with this status.")
@click.option("--issuer", help="Only tasks of documents from this issuer.")
@click.option("--ics", "ics", type=click.Path(path_type=Path, dir_okay=False), help="Write the deadlines as iCalendar.")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path, dir_okay=False), help="Write the tracker as Excel.")
@index_option
@json_option
def tasks(agency, since, until, role, as_of, status, issuer, ics, xlsx, index, as_json) -> None:
    """Tasks assigned to an agency across all documents, newest first (all tasks without AGENCY), with their
    deadline, status as of a day and evidence of follow-up."""
    from chidao.store.factory import open_marks
    from search.board import counts_by_agency, tasks_board

    settings = _settings(index)
    day = _parse_day(as_of, "--as-of") or dt.date.today()
    searcher = _open_searcher(settings)
    with searcher.pinned() as snap:
        result = tasks_board(
            snap,
            searcher.canon,
            open_marks(settings.index),
            agency,
            as_of=day,
            since=since,
            until=until,
            role=role,
            status=status,
            issuer=issuer,
            due_soon_days=settings.due_soon_days,
        )
    items = result["assignments"]
    if ics:
        from search.board_export import board_ics

        ics.write_bytes(board_ics(items))
    if xlsx:
        from search.board_export import write_board_xlsx

        write_board_xlsx(items, xlsx, summary=counts_by_agency(items, day), as_of=day)
    if as_json:
        _emit(result)
        return
    for a in items:
        due = a["due"] or "—"
        shared = f" (giao chung với {', '.join(a['co_assignees'])})" if a.get("co_assignees") else ""
        click.echo(
            f"{a['task_id']}  {a.get('date') or '?'}  {a.get('number') or a['source']}  [{a['role']}] {a['agency']}"
            f"  hạn {due}  {a['status']}: {a['task'][:160]}{shared}"
        )
    c = result["counts"]
    click.echo(
        f"tổng số {c['tong_so']}, đến hạn {c['den_han']}, hoàn thành đúng hạn {c['hoan_thanh_dung_han']}, "
        f"hoàn thành quá hạn {c['hoan_thanh_qua_han']}, chưa hoàn thành trong hạn {c['chua_hoan_thanh_trong_han']}, "
        f"chưa hoàn thành quá hạn {c['chua_hoan_thanh_qua_han']}, không thời hạn {c['khong_thoi_han']}"
    )


def _task_or_fail(settings: Settings, tid: str):
    from search.board import find_task

    searcher = _open_searcher(settings)
    with searcher.pinned() as snap:
        row = find_task(snap, tid)
    if row is None:
        raise click.ClickException(
            f"Không tìm thấy nhiệm vụ {tid} trong chỉ mục (xem mã ở cột task_id của `chidao tasks --json`). "
            f"(no task {tid} in this index)"
        )
    return row


@main.command()
@click.argument("task_id")
@click.option("--note", help="A note (e.g. what was done).")
@click.option("--by", "by", help="Who reports it done (default: the login name).")
@click.option("--doc", "doc_number", help="Number of the document that reported it, e.g. 120/BC-SYT.")
@click.option("--on", "done_on", help="Day it was completed, YYYY-MM-DD (default today).")
@index_option
@json_option
def done(task_id, note, by, doc_number, done_on, index, as_json) -> None:
    """Mark a task done (kept beside the index, or in its database, with its history)."""
    import getpass

    from chidao.store.factory import open_marks

    settings = _settings(index)
    row = _task_or_fail(settings, task_id)
    event = open_marks(settings.index).mark_done(
        task_id,
        by=by or getpass.getuser(),
        note=note,
        doc_number=doc_number,
        done_on=_parse_day(done_on, "--on"),
        doc_id=row.doc_id,
        agency=row.agency,
        text=row.task,
    )
    if as_json:
        _emit(event.as_dict())
        return
    click.echo(f"Đã đánh dấu hoàn thành: {row.agency} — {row.task[:120]}")


@main.command()
@click.argument("task_id")
@click.option("--note", help="Why it is open again.")
@click.option("--by", "by", help="Who reopens it (default: the login name).")
@index_option
@json_option
def reopen(task_id, note, by, index, as_json) -> None:
    """Open a task marked done again (the done mark stays in the history)."""
    import getpass

    from chidao.store.factory import open_marks

    settings = _settings(index)
    row = _task_or_fail(settings, task_id)
    store = open_marks(settings.index)
    mark = store.current().get(task_id)
    if mark is None or not mark.done:
        raise click.ClickException(f"Nhiệm vụ {task_id} chưa được đánh dấu hoàn thành. (task {task_id} is not done)")
    event = store.reopen(task_id, by=by or getpass.getuser(), note=note)
    if as_json:
        _emit(event.as_dict())
        return
    click.echo(f"Đã mở lại: {row.agency} — {row.task[:120]}")


@main.command()
@index_option
@json_option
def docs(index, as_json) -> None:
    """The indexed documents."""
    settings = _settings(index)
    documents = _open_searcher(settings).documents()
    if as_json:
        _emit({"documents": documents})
        return
    for d in documents:
        number, type_, date = d.get("number") or "—", d.get("type") or "", d.get("date") or ""
        click.echo(f"{number:<22} {type_:<12} {date:<10} {d['chunks']:>4}  {d['source']}")
        for warning in d.get("warnings") or []:
            click.echo(f"{'':<22} ⚠ {warning}")


@main.command()
@index_option
@json_option
def passages(index, as_json) -> None:
    """Compute the vectors of every citable passage now (answers then need no encoder pass but the question's)."""
    from search.answer.prefill import fill_passage_vectors

    settings = _settings(index)
    searcher = _open_searcher(settings)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if as_json or total < 1:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc="Đoạn văn", unit="đoạn", file=sys.stderr)
        bar.update(done - bar.n)

    try:
        report = fill_passage_vectors(searcher, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        _emit(dataclasses.asdict(report))
        return
    click.echo(
        f"{report.passages} đoạn văn có thể trích dẫn; đã tính véc-tơ cho {report.embedded} đoạn "
        f"trong {report.seconds:.0f} giây (các đoạn còn lại đã có sẵn)."
    )


@main.command()
@click.option("--host", default=None, help="Default 127.0.0.1.")
@click.option("--port", type=int, default=None, help="Default 7860.")
@index_option
def serve(host, port, index) -> None:
    """Start the web UI."""
    import app

    settings = _settings(index, host=host, port=port)
    app.serve(settings)


if __name__ == "__main__":  # pragma: no cover
    main()
