"""The ``workbench`` command line. Every failure is one line on stderr and exit code 2, no traceback."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


class CLIError(Exception):
    """A user-facing error: printed as one line, exit code 2."""


def _load(path: str, fmt: str | None = None):
    from workbench.io import load

    return load(path, format=fmt)


def _project_or_dataset(path: str, fmt: str | None = None):
    from workbench.workflows.projects import is_project_folder, open_project

    return open_project(path) if is_project_folder(path) else _load(path, fmt)


def cmd_validate(args) -> int:
    ds = _load(args.path, args.format)
    summary = ds.summary()
    if args.quarantine:
        Path(args.quarantine).write_text(ds.quarantine_jsonl(), encoding="utf-8")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{args.path}: format {summary['format']}, kind {summary['kind']}")
        print(f"rows read {summary['rows_read']}, valid {summary['rows_valid']}, "
              f"quarantined {summary['rows_quarantined']}")
        for code, n in sorted(summary["reasons"].items(), key=lambda kv: -kv[1]):
            print(f"  {code}: {n}")
        for q in ds.quarantine[:10]:
            print(f"  line {q.line}: {q.detail}")
    return 0


def cmd_convert(args) -> int:
    from workbench.io import write

    ds = _load(args.path, args.format)
    res = write(ds, args.out, format=args.to)
    print(f"wrote {res['rows']} rows to {res['path']}"
          + (f"; {len(res['skipped'])} records the {args.to} format cannot hold were left out"
             if res["skipped"] else ""))
    return 0


def cmd_init(args) -> int:
    from workbench.workflows.projects import init_project

    proj = init_project(args.path, args.dataset, guidelines=args.guidelines, owner=args.owner,
                        closed=args.closed, store=args.store)
    # (the count from project.json: reading source.parquet back would hold the whole table in memory)
    print(f"created project {proj.path} with {proj.meta['source']['rows']} records; owner {proj.owner}"
          + (" (closed: only registered reviewers may work)" if args.closed else "")
          + (f"; events in {proj.log!r}" if args.store else ""))
    return 0


def cmd_reviewers(args) -> int:
    from urllib.parse import urlencode

    from workbench.store import Project
    from workbench.store.folder import is_project_folder

    if not is_project_folder(args.project):
        raise CLIError(f"{args.project} is not a workbench project (give it with --project DIR)")
    with Project.open(args.project) as proj:
        by = args.by or None  # None: the OS user running this command
        if args.action == "list":
            print(repr(proj.registry))
        elif args.action == "add":
            if not args.name:
                raise CLIError("name the reviewer: workbench reviewers add NAME --role ROLE [--key]")
            key = proj.add_reviewer(args.name, args.role, by=by, key=args.key)
            print(f"{args.name} is {args.role} in {proj.path}")
            if key:
                link = args.url + ("&" if "?" in args.url else "?") + urlencode({"reviewer": args.name, "key": key})
                print(f"key (shown once, only its hash is stored): {key}")
                print(f"link: {link}")
        else:
            if not args.name:
                raise CLIError("name the reviewer: workbench reviewers remove NAME")
            proj.remove_reviewer(args.name, by=by)
            print(f"{args.name} was removed from {proj.path}; their past work stays in the log")
    return 0


def cmd_migrate(args) -> int:
    from workbench.store.migrate import migrate

    print(migrate(args.path, args.to))
    return 0


def cmd_report(args) -> int:
    from workbench.report import report

    guidelines = None
    if args.guidelines:
        from workbench.model import Guidelines

        guidelines = Guidelines.load(args.guidelines)
    obj = _project_or_dataset(args.path)
    try:  # a project brings its dataset, its guidelines (unless --guidelines) and its signal cache
        bar = None
        if args.batch_size and args.engine == "local":
            from tqdm import tqdm

            bar = tqdm(total=None, unit=" records", desc="signals", file=sys.stderr, disable=None)

        def advance(done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        try:
            res = report(obj, out=args.out, guidelines=guidelines, engine=args.engine, address=args.address,
                         batch_size=args.batch_size, progress=advance)
        finally:
            if bar is not None:
                bar.close()
    finally:
        if hasattr(obj, "close"):
            obj.close()
    print(f"wrote the quality report to {args.out} ({res['quality']['rows']['valid']} records, "
          f"guidelines: {res['quality'].get('guidelines') or 'none'})")
    return 0


def cmd_guidelines(args) -> int:
    from workbench.workflows.guidelines import draft_guidelines

    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise CLIError(f"{out} exists; choose another --out or pass --overwrite")
    if not out.parent.is_dir():
        raise CLIError(f"folder {out.parent} does not exist")
    draft_guidelines(_load(args.path, args.format), out=out, topics=not args.no_topics)
    print(f"wrote draft guidelines to {out}: edit them, then pass --guidelines {out} to report or init")
    return 0


def cmd_agreement(args) -> int:
    from workbench.workflows.agreement import run_agreement

    run_agreement(args.path, args.out)
    print(f"wrote agreement.json and agreement_report.md to {args.out}")
    return 0


def cmd_export(args) -> int:
    from workbench.export import export

    try:
        splits = tuple(float(x) for x in args.splits.split(","))
    except ValueError:
        raise CLIError(f"--splits must be numbers separated by commas, got {args.splits!r}") from None
    guidelines = None
    if args.guidelines:
        from workbench.model import Guidelines

        guidelines = Guidelines.load(args.guidelines)
    from tqdm import tqdm

    # one tick per step of the export (export.STEPS), named as it starts; off when stderr is not a terminal
    bar = tqdm(total=None, unit=" steps", desc="export", file=sys.stderr, disable=None,
               bar_format="{desc}: {n}/{total} steps [{elapsed}]")

    def advance(step: str, done: int, total: int) -> None:
        bar.total = total
        bar.set_description_str(f"export: {step}")
        bar.update(done - bar.n)

    try:
        res = export(args.path, out=args.out, format=args.format, splits=splits, seed=args.seed,
                     stratify=None if args.stratify in ("", "none") else args.stratify, container=args.container,
                     redact_pii=args.redact_pii, min_rating=args.min_rating, include=args.include,
                     overwrite=args.overwrite, guidelines=guidelines, min_agreement=args.min_agreement,
                     dedupe=args.dedupe, keep_metadata=args.keep_metadata, report=not args.no_report,
                     semantic_threshold=args.semantic_groups, progress=advance)
    finally:
        bar.close()
    print(f"exported to {args.out}: " + ", ".join(f"{k} {v}" for k, v in res["counts"].items()))
    return 0


def cmd_serve(args) -> int:
    import os

    from workbench.app import serve

    if args.kernels is not None and args.kernels < 0:
        raise CLIError(f"--kernels must be 0 or more, not {args.kernels}")
    password = None
    if args.password:
        password = os.environ.get("WORKBENCH_PASSWORD")
        if not password:
            import getpass

            password = getpass.getpass("password for the app: ")
        if not password:
            raise CLIError("--password needs a password (typed, or in WORKBENCH_PASSWORD)")
    return serve(args.target, port=args.port, host=args.host, token=args.token, open_browser=False,
                 password=password, insecure=args.insecure, user_header=args.user_header, kernels=args.kernels)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="workbench", description="Curate LLM fine-tuning data.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="read a dataset, report valid and quarantined rows")
    v.add_argument("path")
    v.add_argument("--format")
    v.add_argument("--quarantine", help="write quarantined rows to this JSONL file")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser("convert", help="convert a dataset to another format")
    c.add_argument("path")
    c.add_argument("--to", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--format", help="force the input format")
    c.set_defaults(func=cmd_convert)

    i = sub.add_parser("init", help="create a curation project from a dataset")
    i.add_argument("path")
    i.add_argument("dataset")
    i.add_argument("--guidelines")
    i.add_argument("--owner", help="the owner's reviewer name (default: your OS user name)")
    i.add_argument("--closed", action="store_true", help="refuse reviewers the owner has not registered")
    i.add_argument("--store", metavar="URL",
                   help="keep the event log in PostgreSQL (postgresql://USER@HOST/DB; the password comes from "
                        "PGPASSWORD or ~/.pgpass), shared by reviewers on several servers")
    i.set_defaults(func=cmd_init)

    mg = sub.add_parser("migrate", help="move a project's event log to PostgreSQL (or back to its SQLite file)")
    mg.add_argument("path")
    mg.add_argument("--to", required=True, metavar="URL|sqlite",
                    help="postgresql://USER@HOST/DB (no password: PGPASSWORD or ~/.pgpass), or 'sqlite'; stop "
                         "serving the project first")
    mg.set_defaults(func=cmd_migrate)

    rv = sub.add_parser("reviewers", help="register reviewers, their roles and keys (list, add, remove)")
    rv.add_argument("action", choices=["list", "add", "remove"])
    rv.add_argument("name", nargs="?")
    rv.add_argument("--project", "-p", default=".", help="the project folder (default: the current folder)")
    rv.add_argument("--role", default="reviewer", choices=["reviewer", "adjudicator", "owner"])
    rv.add_argument("--key", action="store_true", help="make a key: prints it once with a ready link")
    rv.add_argument("--url", default="http://127.0.0.1:8866/", help="the app's address, for the link")
    rv.add_argument("--by", help="who makes the change (default: your OS user name; must be an owner)")
    rv.set_defaults(func=cmd_reviewers)

    r = sub.add_parser("report", help="write the dataset quality report")
    r.add_argument("path")
    r.add_argument("--out", required=True)
    r.add_argument("--guidelines")
    r.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="where the per-record signals run: here, or on Ray (pip install 'workbench[ray]')")
    r.add_argument("--address", help="the Ray cluster to join (ray://HOST:10001 or auto; default: a local Ray)")
    r.add_argument("--batch-size", type=int, help="records per batch (default: the whole table locally, "
                   "100,000 on Ray): the text of one batch is in memory at a time")
    r.set_defaults(func=cmd_report)

    g = sub.add_parser("guidelines", help="draft a starting guidelines file from a dataset")
    gsub = g.add_subparsers(dest="action", required=True)
    gd = gsub.add_parser("draft", help="observed lengths, task types and topics as a guidelines YAML to edit")
    gd.add_argument("path")
    gd.add_argument("--out", default="guidelines.yaml")
    gd.add_argument("--format", help="force the input format")
    gd.add_argument("--no-topics", action="store_true", help="skip the topics (faster on large data)")
    gd.add_argument("--overwrite", action="store_true")
    gd.set_defaults(func=cmd_guidelines)

    a = sub.add_parser("agreement", help="inter-annotator agreement report")
    a.add_argument("path")
    a.add_argument("--out", required=True)
    a.set_defaults(func=cmd_agreement)

    e = sub.add_parser("export", help="write cleaned, leak-free splits and hand-over documents")
    e.add_argument("path")
    e.add_argument("--out", required=True)
    e.add_argument("--format", default="openai")
    e.add_argument("--splits", default="0.8,0.1,0.1")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--stratify", default="auto",
                   help="column or metadata key whose shares each split keeps; task_type for the inferred task "
                        "types; auto (default): categories when the data has any, else task types; none: off")
    e.add_argument("--container", default="jsonl", choices=["jsonl", "parquet", "hf"])
    e.add_argument("--redact-pii", action="store_true")
    e.add_argument("--min-rating", type=float)
    e.add_argument("--include", default="unrejected", choices=["accepted", "unrejected", "all"])
    e.add_argument("--min-agreement", type=float, help="leave out records whose reviewers agree less")
    e.add_argument("--dedupe", default="near", choices=["near", "exact", "none"])
    e.add_argument("--semantic-groups", nargs="?", type=float, const=0.75, default=None, metavar="COSINE",
                   help="also keep paraphrased prompts (semantic duplicates, embedding cosine >= COSINE, "
                        "default 0.75) in one split")
    e.add_argument("--guidelines", help="guidelines YAML (default: the project's, else the bundled one)")
    e.add_argument("--keep-metadata", action="store_true", help="write the source's extra fields too")
    e.add_argument("--no-report", action="store_true", help="skip the quality report and hand-over documents")
    e.add_argument("--overwrite", action="store_true")
    e.set_defaults(func=cmd_export)

    s = sub.add_parser("serve", help="serve the dashboard with Voila")
    s.add_argument("target", nargs="?", help="a project folder or a dataset (default: the bundled sample)")
    s.add_argument("--port", type=int, default=8866)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--token", help="require this token (set it when serving beyond localhost)")
    s.add_argument("--password", action="store_true",
                   help="require a password (asked for, or WORKBENCH_PASSWORD); hashed before Voila sees it")
    s.add_argument("--insecure", action="store_true",
                   help="allow a non-loopback --host without a token or password")
    s.add_argument("--user-header", help="trust this header (set by an authenticating proxy) as the reviewer")
    s.add_argument("--kernels", type=int, metavar="N",
                   help="kernels kept pre-heated with the dashboard built, so N tabs opened in a row open at once "
                        "(default: WORKBENCH_POOL_SIZE, else 2; 0 = a fresh kernel per page)")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI contract: one line, exit 2, never a traceback
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"workbench {args.command}: error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
