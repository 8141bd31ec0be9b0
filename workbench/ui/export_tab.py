"""The dashboard's Export tab (a mixin of :class:`workbench.ui.dashboard.Dashboard`).

Before writing it says where the files will go: ``<project>/exports``, or, for a file served on its
own (whose project is a hidden cache folder), a ``<name>-exports`` folder beside the data file. While
writing a progress bar moves; a failure replaces "writing..." with the error in place. Afterwards it
lists the manifest and offers the export as one zip, written next to the export folder and, when small,
downloadable from the page (a data link) for a reviewer on another machine.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as W

from workbench.store.fold import PRIVILEGED


def export_steps() -> tuple[str, ...]:
    """The steps an export reports (imported when the tab is built, not with the page)."""
    from workbench.export.export import STEPS

    return STEPS
from workbench.ui.identity_box import one_line
from workbench.ui.render import esc
from workbench.ui.wording import served_source

FORMATS = ("openai", "sharegpt", "alpaca", "dpo", "kto")
DATA_LINK_MAX_BYTES = 20 * 1024 * 1024  # larger zips stay on disk: a data link that big stalls the page


def export_root(project: Any) -> Path:
    """The folder new exports go into (see the module docstring)."""
    src = served_source(project)
    if src is not None and src.parent.is_dir() and os.access(src.parent, os.W_OK):
        return src.parent / f"{src.stem}-exports"
    return Path(project.path) / "exports"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"


def zip_export(out: Path) -> Path:
    """``out`` (an export folder) as ``out.zip`` beside it."""
    return Path(shutil.make_archive(str(out), "zip", root_dir=out.parent, base_dir=out.name))


def download_link(zip_path: Path) -> str:
    """An HTML download link carrying the zip (data URI), or a note with its path when it is too large."""
    n = zip_path.stat().st_size
    if n > DATA_LINK_MAX_BYTES:
        return (f"<div>Zip: <code>{esc(zip_path)}</code> ({_size(n)}; too large to download from the page: copy "
                "it from the server)</div>")
    data = base64.b64encode(zip_path.read_bytes()).decode("ascii")
    return (f"<div><a class='wb-download' download='{esc(zip_path.name)}' "
            f"href='data:application/zip;base64,{data}'>Download {esc(zip_path.name)}</a> ({_size(n)}; also "
            f"saved at <code>{esc(zip_path)}</code>)</div>")


def manifest_html(manifest: dict) -> str:
    """The manifest: every file with its SHA-256 (shortened), then the rest as JSON, all escaped."""
    files = manifest.get("files") or {}
    rows = "".join(f"<tr><td><code>{esc(name)}</code></td><td title='{esc(digest)}'><code>{esc(str(digest)[:12])}"
                   f"</code></td></tr>" for name, digest in sorted(files.items()))
    rest = {k: v for k, v in manifest.items() if k != "files"}
    return (f"<details open class='wb-manifest'><summary>manifest.json ({len(files)} files)</summary>"
            f"<table class='wb-table'><tr><th>file</th><th>SHA-256</th></tr>{rows}</table>"
            f"<details><summary>details</summary><pre class='wb-code'>"
            f"{esc(json.dumps(rest, indent=2, ensure_ascii=False, default=str))}</pre></details></details>")


class ExportTab:
    """Mixin for the Dashboard: needs ``project``, ``reviewer``, ``guard``, ``say`` and ``may``. Exports are
    made by an owner or adjudicator, verified in the served app (a typed name may not)."""

    def _export(self) -> list:
        why = self.may("export", PRIVILEGED)
        if why:
            return [W.HTML(f"<div class='wb-info'>Exports are made by an owner or adjudicator signed in with "
                           f"a key: {esc(why)}</div>")]
        self.export_format = W.Dropdown(options=FORMATS, value="openai", description="Format:")
        self.export_splits = W.Text(value="0.8,0.1,0.1", description="Splits:")
        self.export_seed = W.IntText(value=0, description="Seed:")
        self.export_include = W.Dropdown(options=("unrejected", "accepted", "all"), description="Include:")
        self.export_semantic = W.Checkbox(value=False, indent=False,
                                          description="Keep paraphrased prompts in one split (semantic groups)")
        self.export_where = W.HTML()
        self.export_button = W.Button(description="Write files", button_style="primary")
        self.export_progress = W.IntProgress(value=0, min=0, max=len(export_steps()) + 1, description="",
                                             layout=W.Layout(width="300px", visibility="hidden"))
        self.export_result = W.HTML()
        self.export_button.on_click(self.guard(lambda _: self.run_export(), "export"))
        self.export_format.observe(lambda _: self._show_where(), names="value")
        self._show_where()
        return [W.HTML("<div>Cleaned, leak-free splits with a manifest, dataset card and quality report.</div>"),
                self.export_format, self.export_splits, self.export_seed, self.export_include,
                self.export_semantic, self.export_where, W.HBox([self.export_button, self.export_progress]), self.export_result]

    def _default_out(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return export_root(self.project) / f"{self.export_format.value}-{stamp}"

    def _show_where(self) -> None:
        where = export_root(self.project) / f"{self.export_format.value}-<time>"
        self.export_where.value = (f"<div class='wb-export-where'>Files will be written to <code>{esc(where)}</code>"
                                   " (and a zip of them, downloadable here)</div>")

    def _step(self, value: int, text: str) -> None:
        self.export_progress.layout.visibility = "visible"
        self.export_progress.value = value
        self.export_progress.description = text
        self.export_result.value = f"<div class='wb-info'>{esc(text)}...</div>"

    def _export_step(self, step: str, done: int, _total: int) -> None:
        if step != "done":  # the export's own end: the tab still zips before it is done
            self._step(done, step)

    def run_export(self, out: str | Path | None = None) -> dict:
        """Write the export chosen in the tab into ``out`` (default: see :func:`export_root`), zip it and
        list its manifest (owner or adjudicator, verified). A failure is shown in place of the progress and
        raised."""
        from workbench.export import export
        from workbench.export.export import STEPS

        self.project.require_verified(self.reviewer, "export", PRIVILEGED)
        out = Path(out) if out else self._default_out()
        try:
            splits = tuple(float(x) for x in self.export_splits.value.replace(" ", "").split(",") if x)
            self._step(0, "starting")
            res = export(self.project, out=out, format=self.export_format.value, splits=splits,
                         seed=int(self.export_seed.value), include=self.export_include.value,
                         semantic_threshold=0.75 if self.export_semantic.value else None,
                         progress=self._export_step)
            self._step(len(STEPS), "zipping")
            link = download_link(zip_export(Path(res.get("out", out))))
        except Exception as exc:
            self.export_progress.layout.visibility = "hidden"
            self.export_result.value = f"<div class='wb-error'>export failed: {esc(one_line(exc))}</div>"
            raise
        self.export_progress.value, self.export_progress.description = len(STEPS) + 1, "done"
        files = "".join(f"<li>{esc(f)}</li>" for f in res.get("files", []))
        counts = ", ".join(f"{esc(k)} {v}" for k, v in res["counts"].items())
        self.export_result.value = (f"<div class='wb-export-done'>Wrote {counts} to "
                                    f"<code>{esc(res.get('out', out))}</code></div>{link}<ul>{files}</ul>"
                                    + manifest_html(res.get("manifest") or {}))
        self.say(f"export written to {res.get('out', out)}")
        return res
