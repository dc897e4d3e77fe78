"""The calibration report page (klantstroom.calibration.report.write_html) from its template."""

from __future__ import annotations

import base64
import inspect
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from klantstroom.calibration import report
from klantstroom.calibration.report import ReportSection, write_html
from klantstroom.calibration.texts import texts
from klantstroom.report.templating import environment, render

TEMPLATE = "calibration_report.html.j2"


def png(path: Path) -> Path:
    fig = Figure(figsize=(1, 1))
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([0, 1], [1, 0])
    return report.save(fig, path)


def page_args(tmp_path: Path) -> dict[str, Any]:
    """The required parameters, with small frames."""
    overall = pd.DataFrame(
        {"abandonment_rate": [0.10, 0.12, 0.09], "mean_wait_served_s": [30.0, 33.0, 40.0]},
        index=pd.Index(["log", "trace", "model"], name="source"),
    )
    fits = pd.DataFrame(
        {"kind": ["lognormal"], "mean": ["100.0 s"]},
        index=pd.Index(["service time PS"], name="quantity"),
    )
    return {
        "title": "Calibration of <b>bank</b>.tsv",
        "import_text": "rows read: 10\nleft out: 1 <phantom> call",
        "fits": fits,
        "scenario_path": Path("/tmp/scenarios/<x>.yaml"),
        "run_command": "klantstroom scenarios=x 'hydra.searchpath=[file:///tmp/out]'",
        "targets": {"all call types": report.targets_table(overall)},
        "overall": {"all call types": overall},
        "figures": [png(tmp_path / "validation.png")],
        "findings": ["<script>alert('x')</script> answered first", "plain & simple"],
    }


def write(tmp_path: Path, **extra: Any) -> str:
    path = write_html(tmp_path / "page.html", **page_args(tmp_path), **extra)
    return path.read_text(encoding="utf-8")


def test_text_from_a_log_is_escaped(tmp_path: Path) -> None:
    page = write(
        tmp_path,
        lead="<i>lead</i>",
        warnings=["<img src=x onerror=alert(1)>"],
        sections=[ReportSection("<h1>", "<b>text</b>", pd.DataFrame({"<col>": ["<cell>"]}))],
        class_load={"<PS>": pd.DataFrame({"class_share": [0.5]}, index=["<10%"])},
    )
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; answered first" in page
    assert "plain &amp; simple" in page
    assert "<title>Calibration of &lt;b&gt;bank&lt;/b&gt;.tsv</title>" in page
    assert "1 &lt;phantom&gt; call" in page and "/tmp/scenarios/&lt;x&gt;.yaml" in page
    for raw in ("<i>", "<img src=x", "<h1><", "<b>text", "<col>", "<cell>", "<PS>", "<10%"):
        assert raw not in page
    assert "&lt;col&gt;" in page and "&lt;cell&gt;" in page  # pandas escapes the table
    assert "Answered ahead of the queue, by load: &lt;PS&gt;" in page


def test_the_sections_keep_their_order_and_optional_ones_appear_only_when_given(
    tmp_path: Path,
) -> None:
    bare = write(tmp_path)
    for heading in ("In sample and out of sample", "Warnings", 'class="lead"', "Extra"):
        assert heading not in bare
    assert "Where the model differs most" not in bare
    assert "Answered ahead of the queue" not in bare
    order = ["<h1>", "<h2>Targets", "<h2>Findings", "<h2>Fitted scenario", "<h2>Import"]
    order += ["<h2>Fits", "<h2>Figures"]
    positions = [bare.index(heading) for heading in order]
    assert positions == sorted(positions)

    holdout = pd.DataFrame(
        {"abandonment_diff_pp": [0.5, 2.25], "mean_wait_met": [True, False]},
        index=pd.Index(["in sample", "out of sample"], name="period"),
    )
    differences = pd.DataFrame(
        {"offered_log": [100], "handling_vs_day_%": [4.0]}, index=pd.Index([10], name="hour")
    )
    full = write(
        tmp_path,
        lead="What this page is about.",
        warnings=["The patience estimate drifts from week to week."],
        holdout={"all call types": holdout, "PS": holdout},
        sections=[
            ReportSection("Extra one", "First."),
            ReportSection("Extra two", "Second.", pd.DataFrame({"v": [1.23456]}), digits=2),
        ],
        differences={"all call types": differences},
        class_load={"PS": pd.DataFrame({"class_share": [0.5]}, index=["0-10%"])},
    )
    assert '<p class="lead">What this page is about.</p>' in full
    assert "<li>The patience estimate drifts from week to week.</li>" in full
    assert "Fitted on one period (in sample) and validated on another (out of sample)" in full
    assert full.count("out of sample</th>") == 2  # one holdout table per group
    assert "diff (pp)" in full and "2.25" in full  # the targets' short headings, 2 decimals
    assert "<td>1.23</td>" in full and "1.235" not in full  # the section's digits
    assert "handling vs day (%)" in full
    order = ["<h1>", 'class="lead"', "<h2>Warnings", "<h2>In sample and out of sample"]
    order += ["<h2>Targets", "<h2>Findings", "<h2>Extra one", "<h2>Extra two"]
    order += ["<h2>Where the model differs most", "Answered ahead of the queue, by load: PS"]
    order += ["<h2>Fitted scenario", "<h2>Import", "<h2>Fits", "<h2>Figures"]
    positions = [full.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_figures_are_embedded(tmp_path: Path) -> None:
    extra = png(tmp_path / "extra.png")
    page = write(tmp_path, sections=[ReportSection("Extra", "With a figure.", figures=[extra])])
    assert page.count("data:image/png;base64,") == 2
    encoded = base64.b64encode(extra.read_bytes()).decode("ascii")
    assert f'<img alt="extra" src="data:image/png;base64,{encoded}">' in page
    assert page.index("<h2>Extra") < page.index(encoded) < page.index("<h2>Figures")
    assert str(tmp_path) not in page  # embedded, not linked


def test_the_template_uses_exactly_write_htmls_parameters(tmp_path: Path) -> None:
    env = environment()
    assert env.loader is not None
    source = env.loader.get_source(env, TEMPLATE)[0]
    used = jinja2.meta.find_undeclared_variables(env.parse(source))
    # ``language`` reaches the template as its table of words, ``t``.
    assert used == set(inspect.signature(write_html).parameters) - {"path", "language"} | {"t"}
    # StrictUndefined: a variable left out is an error, not an empty section.
    with pytest.raises(jinja2.UndefinedError, match="lead"):
        render(
            TEMPLATE,
            **{**page_args(tmp_path), "t": texts("en"), "warnings": [], "holdout": {}},
        )


def test_the_dutch_page_has_dutch_words_and_decimal_commas(tmp_path: Path) -> None:
    drift = pd.DataFrame(
        {"kind": ["behaviour"], "pooled": [1.25], "drifts": [False]},
        index=pd.Index(["patience (s)"], name="parameter"),
    )
    page = write(
        tmp_path,
        language="nl",
        warnings=["let op"],
        sections=[ReportSection("Stabiliteit", "tekst", drift, digits=2)],
        differences={"all call types": pd.DataFrame({"handling_vs_day_%": [12.5]})},
    )
    assert '<html lang="nl">' in page
    for dutch in (
        "<h2>Waarschuwingen",
        "<h2>Doelen",
        "<h2>Bevindingen",
        "<h2>Waar het model het meest afwijkt",
        "<h2>Inlezen",
        "afhandeling t.o.v. dag (%)",
        "afgehaakt, log (%)",
        "naspel met het model",  # the replay sources by name
        "<td>gedrag</td>",  # words in the cells
        "<th>geduld (s)</th>",
        "<td>1,25</td>",  # decimal comma
        "<td>nee</td>",  # booleans
    ):
        assert dutch in page, dutch
    for english in ("Warnings", "Targets", "Findings", "trace-driven", "behaviour", "False"):
        assert english not in page, english


def test_every_template_escapes_whatever_its_name() -> None:
    assert environment().from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
