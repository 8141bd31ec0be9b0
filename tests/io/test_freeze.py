"""``workbench init`` of a large JSONL file streams it to ``source.parquet`` (``io.freeze``): two passes
over the converted pieces, ids settled in between. The frozen records must be exactly those ``load()``
gives in memory (same ids, order, columns, types), with the same quarantine and counts, whatever the
pieces and row groups; anything the streamed path cannot take is loaded in memory; an error or an
interrupt leaves no project, no half-written Parquet and no spool.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_load_batches import FORMATS, _rows, _write

import workbench.io.fastpath as fastpath
import workbench.io.freeze as freeze_mod
from workbench.io import load
from workbench.io.freeze import Frozen, freeze
from workbench.model.schema import RECORD_SCHEMA
from workbench.store import Project
from workbench.store.folder import QUARANTINE, SOURCE
from workbench.workflows.projects import init_project

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# fixtures the streamed path takes (as JSONL): sharegpt, alpaca (text and Chinese), sharegpt with images
STREAMED = ["language_real.jsonl", "selfinstruct_text-davinci-003_predictions.jsonl",
            "fastchat_dummy_conversation.json", "llamafactory_alpaca_zh_demo_200.json",
            "llamafactory_mllm_demo.json"]


def _jsonl(name: str, tmp_path: Path) -> Path:
    """A fixture as JSONL (a JSON array file is written one record a line)."""
    path = FIXTURES / name
    if path.suffix == ".jsonl":
        return path
    out = tmp_path / (path.stem + ".jsonl")
    rows = json.loads(path.read_text(encoding="utf-8"))
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return out


def _small(monkeypatch, piece_bytes: int, group_rows: int) -> list[int]:
    """Force small pieces and row groups; returns the list the spooled pieces' kept rows go to."""
    kept: list[int] = []
    keep = freeze_mod._Spool._keep

    def counting(self, piece):
        kept.append(len(piece.source_ids))
        return keep(self, piece)

    monkeypatch.setattr(fastpath, "PIECE_BYTES", piece_bytes)
    monkeypatch.setattr(freeze_mod, "ROW_GROUP_ROWS", group_rows)
    monkeypatch.setattr(freeze_mod._Spool, "_keep", counting)
    return kept


def _same_as_load(path: Path, out: Path, got) -> pa.Table:
    ds = load(path)
    assert isinstance(got, Frozen), "the streamed path fell back"
    table = pq.read_table(out)
    assert table.schema == RECORD_SCHEMA
    assert table.equals(ds.table), "the frozen records differ from load()'s"
    assert got.ids.equals(ds.table.column("id").combine_chunks())
    assert [q.to_dict() for q in got.quarantine] == [q.to_dict() for q in ds.quarantine]
    assert got.quarantine_jsonl() == ds.quarantine_jsonl()
    assert (len(got), got.rows_read, got.format, got.source) == (len(ds), ds.rows_read, ds.format, ds.source)
    assert not list(out.parent.glob(".*spool*")), "the spool is removed"
    return table


@pytest.mark.parametrize("name", STREAMED)
def test_fixtures_stream_to_the_records_load_gives(tmp_path, monkeypatch, name):
    path = _jsonl(name, tmp_path)
    kept = _small(monkeypatch, 1500, 7)
    out = tmp_path / "source.parquet"
    got = freeze(path, out, force=True)
    table = _same_as_load(path, out, got)
    groups = pq.ParquetFile(out).metadata
    assert sum(kept) == table.num_rows and (len(kept) > 1 or table.num_rows < 4)
    assert [groups.row_group(i).num_rows for i in range(groups.num_row_groups)] == \
        [7] * (table.num_rows // 7) + ([table.num_rows % 7] if table.num_rows % 7 else [])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", [0, 1])
def test_generated_files_with_bad_rows_repeats_and_prompt_only_rows(tmp_path, monkeypatch, fmt, seed):
    rows = _rows(fmt, seed, 150)
    path = _write(tmp_path, rows)
    piece = random.Random(seed).randint(800, 3000)
    kept = _small(monkeypatch, piece, 16)
    out = tmp_path / "source.parquet"
    got = freeze(path, out, force=True)
    table = _same_as_load(path, out, got)
    assert len(kept) > 3
    assert got.quarantine and len(got) + len(got.quarantine) == 150  # read = kept + quarantined
    ids = table.column("id").to_pylist()
    assert len(set(ids)) == len(ids) and any(i.endswith("-2") for i in ids)  # repeats numbered file-wide
    assert pq.ParquetFile(out).metadata.num_row_groups == -(-len(ids) // 16)


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_rows_on_piece_edges(tmp_path, monkeypatch, fmt):
    """Lines of one length L and pieces of 4.5 L (as in test_load_batches): pieces hold lines 1-4, 5-9,
    10-13...; bad rows sit on the first and last line of pieces and on the line across a read block."""
    length = 700
    edges = [3, 4, 8, 9, 12, 13, 17]
    path = _write(tmp_path, _rows(fmt, 7, 40, bad_at=set(edges)), pad_to=length - 1)
    kept = _small(monkeypatch, 4 * length + length // 2, 5)
    out = tmp_path / "source.parquet"
    got = freeze(path, out, force=True)
    _same_as_load(path, out, got)
    assert len(kept) >= 8
    assert {e + 1 for e in edges} <= {q.line for q in got.quarantine}


def test_only_hashes_many_repeats_across_pieces(tmp_path, monkeypatch):
    rows = [{"instruction": f"do {i % 50}", "output": "done"} for i in range(300)]  # 6 copies of each
    path = _write(tmp_path, rows)
    _small(monkeypatch, 1, 64)  # (a piece is at least 4 lines)
    out = tmp_path / "source.parquet"
    got = freeze(path, out, force=True)
    _same_as_load(path, out, got)
    ids = got.ids.to_pylist()
    assert ids[50] == ids[0] + "-2" and ids[299] == ids[49] + "-6"


def test_every_row_bad_writes_an_empty_table(tmp_path, monkeypatch):
    path = _write(tmp_path, [{"instruction": " ", "output": "x"}] * 12)
    _small(monkeypatch, 200, 5)
    out = tmp_path / "source.parquet"
    got = freeze(path, out, force=True)
    table = _same_as_load(path, out, got)
    assert table.num_rows == 0 and len(got.quarantine) == 12


def test_files_the_streamed_path_does_not_take_are_loaded_in_memory(tmp_path, monkeypatch):
    out = tmp_path / "source.parquet"
    small = _write(tmp_path, _rows("alpaca", 3, 30))
    got = freeze(small, out)  # below STREAM_MIN_BYTES
    assert not isinstance(got, Frozen) and got.table.equals(load(small).table) and not out.exists()
    # a field that is text in one piece and a number in another: only the exact path reads it
    rows = [{"instruction": f"q{i}", "output": "a", "score": "high" if i < 40 else 3} for i in range(80)]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    _small(monkeypatch, 400, 8)
    got = freeze(mixed, out, force=True)
    assert not isinstance(got, Frozen) and got.table.equals(load(mixed).table)
    assert not out.exists() and not list(tmp_path.glob(".*"))
    json_file = _jsonl("llamafactory_dpo_en_demo.json", tmp_path).with_suffix(".json")
    json_file.write_text((FIXTURES / "llamafactory_dpo_en_demo.json").read_text(encoding="utf-8"),
                         encoding="utf-8")
    got = freeze(json_file, out, force=True)  # not JSONL
    assert not isinstance(got, Frozen) and len(got) == len(load(json_file)) == 300


def test_init_streams_and_makes_the_project_load_would(tmp_path, monkeypatch):
    path = _write(tmp_path, _rows("openai", 4, 120))
    _small(monkeypatch, 2000, 10)
    monkeypatch.setattr(freeze_mod, "STREAM_MIN_BYTES", 0)
    streamed = init_project(tmp_path / "streamed", path, owner="olga")
    monkeypatch.setattr(freeze_mod, "STREAM_MIN_BYTES", 1 << 40)
    in_memory = init_project(tmp_path / "in_memory", path, owner="olga")
    assert pq.ParquetFile(streamed.path / SOURCE).metadata.num_row_groups == 11  # (107 records, by 10)
    assert pq.ParquetFile(in_memory.path / SOURCE).metadata.num_row_groups == 1
    reopened = Project.open(streamed.path)
    assert reopened.dataset.table.equals(in_memory.dataset.table)
    assert len(reopened.dataset) == 107 and len(reopened.dataset.quarantine) == 13  # (read 120)
    assert (streamed.path / QUARANTINE).read_text() == (in_memory.path / QUARANTINE).read_text()
    assert streamed.meta["source"] == in_memory.meta["source"]
    assert streamed.fingerprint != in_memory.fingerprint  # (the row groups differ; the records do not)


def test_an_interrupt_or_a_bad_id_leaves_nothing(tmp_path, monkeypatch):
    path = _write(tmp_path, _rows("alpaca", 5, 60))
    _small(monkeypatch, 1000, 10)
    monkeypatch.setattr(freeze_mod, "STREAM_MIN_BYTES", 0)
    calls = []
    write_table = pq.ParquetWriter.write_table

    def interrupted(self, table, *args, **kwargs):
        calls.append(table.num_rows)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return write_table(self, table, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(pq.ParquetWriter, "write_table", interrupted)
        with pytest.raises(KeyboardInterrupt):
            init_project(tmp_path / "p", path)
    assert calls and not (tmp_path / "p").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl"]  # no hidden folder, no spool
    star = tmp_path / "star.jsonl"
    star.write_text("".join(json.dumps({"id": i, "instruction": "q", "output": "a"}) + "\n"
                            for i in ["a", "*", "b"]), encoding="utf-8")
    with pytest.raises(ValueError, match="reserved"):
        init_project(tmp_path / "q", star)
    # a repeat numbered "-2" meets a source id "a-2": the ids are not unique (as in memory)
    clash = tmp_path / "clash.jsonl"
    clash.write_text("".join(json.dumps({"id": i, "instruction": "q", "output": "a"}) + "\n"
                             for i in ["a", "a", "a-2"]), encoding="utf-8")
    assert load(clash).table.column("id").to_pylist() == ["a", "a-2", "a-2"]
    with pytest.raises(ValueError, match="unique"):
        init_project(tmp_path / "r", clash)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clash.jsonl", "data.jsonl", "star.jsonl"]
