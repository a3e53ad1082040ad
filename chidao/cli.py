"""The ``chidao`` command line (see CONTRACT.md): ingest, search, ask, refs, tasks, docs, serve.

With ``--json`` a command prints exactly one JSON document on stdout (JSON lines for
``--queries``); progress bars and logs go to stderr.
"""

from __future__ import annotations

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
        head = " · ".join(x for x in (h.number, h.type, h.date, h.section, f"tr. {h.page}" if h.page else None) if x)
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


@main.command()
@click.argument("agency", required=False)
@click.option("--since", help="YYYY-MM-DD")
@click.option("--until", help="YYYY-MM-DD")
@click.option("--role", type=click.Choice(["chủ trì", "phối hợp", "giao"]), help="Only this role.")
@index_option
@json_option
def tasks(agency, since, until, role, index, as_json) -> None:
    """Tasks assigned to an agency across all documents, newest first (all tasks without AGENCY)."""
    settings = _settings(index)
    result = _open_searcher(settings).tasks(agency, since=since, until=until, role=role)
    if as_json:
        _emit(result)
        return
    for a in result["assignments"]:
        click.echo(
            f"{a.get('date') or '?'}  {a.get('number') or a['source']}  [{a['role']}] {a['agency']}: {a['task'][:200]}"
        )


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
