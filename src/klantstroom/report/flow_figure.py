"""``journey_flow.png``: the journeys step by step as an alluvial diagram (see
:mod:`klantstroom.report.journey_figures`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from klantstroom.report.figure_style import (
    HEIGHT_IN,
    LABEL_PT,
    SUPTITLE_PT,
    WIDTH_IN,
    _count,
    _figure_legend,
    _new_figure,
)
from klantstroom.report.journey_common import (
    CONTACT_SERVICE_COLOUR,
    FLOW_LABEL_SHARE,
    FLOW_STEPS,
    STATUS_COLOURS,
    STATUSES,
    TASK_PREFIX,
    TASK_SERVICE_COLOUR,
    _codes,
    _lane_label,
    _lane_order,
    _replication_count,
    _status_label,
    _text,
)

# --------------------------------------------------------------------------------------------
# Flow (alluvial diagram)
# --------------------------------------------------------------------------------------------


def _flow_nodes(journeys: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The node of each column per (path, status) of the journeys, with how many journeys have it.

    Returns a frame with columns ``c0`` .. ``c<FLOW_STEPS>`` (node keys as ``"step:<name>"`` or
    ``"status:<status>"``), ``status`` and ``n`` (journeys), one row per (path, status) in
    order of first appearance, and the number of journeys with more steps than shown.
    """
    # A year has a million journeys but a few hundred distinct (path, status) pairs: the nodes
    # are worked out once per pair, and the diagram counts journeys by pair.
    path_code, paths = _codes(journeys["path"], "")
    status_code, statuses = _codes(journeys["status"], "open")
    n_status = max(len(statuses), 1)
    pair_code, pairs = pd.factorize(path_code * n_status + status_code)
    table: list[list[str]] = []
    ends: list[str] = []
    more = np.zeros(len(pairs), dtype=bool)
    for index, pair in enumerate(pairs.tolist()):
        path, end = paths[pair // n_status], statuses[pair % n_status]
        steps = path.split(">") if path else []
        more[index] = len(steps) > FLOW_STEPS
        nodes = [
            f"step:{steps[k]}" if k < len(steps) else f"status:{end}" for k in range(FLOW_STEPS)
        ]
        table.append([*nodes, f"status:{end}"])
        ends.append(end)
    frame = pd.DataFrame(table, columns=[f"c{k}" for k in range(FLOW_STEPS + 1)], dtype=object)
    frame["status"] = pd.Series(ends, dtype=object)
    counts = np.bincount(pair_code, minlength=len(pairs))
    frame["n"] = counts
    return frame, int(counts[more].sum())


def _node_order(keys: set[str]) -> list[str]:
    """Step nodes in lane order (channels, tasks, callback, others), then status nodes."""
    steps = {k.removeprefix("step:") for k in keys if k.startswith("step:")}
    statuses = [f"status:{s}" for s in STATUSES if f"status:{s}" in keys]
    other = sorted(k for k in keys if k.startswith("status:") and k not in statuses)
    return [*(f"step:{s}" for s in _lane_order(steps)), *statuses, *other]


def _band(x0: float, x1: float, top0: float, top1: float, width: float) -> MplPath:
    """A band from (x0, top0) to (x1, top1), ``width`` thick, with cubic Bezier edges."""
    xm = (x0 + x1) / 2.0
    vertices = [
        (x0, top0),
        (xm, top0),
        (xm, top1),
        (x1, top1),
        (x1, top1 + width),
        (xm, top1 + width),
        (xm, top0 + width),
        (x0, top0 + width),
        (x0, top0),
    ]
    codes = [
        MplPath.MOVETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.LINETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CLOSEPOLY,
    ]
    return MplPath(vertices, codes)


def _node_colour(key: str) -> str:
    kind, name = key.split(":", 1)
    if kind == "status":
        return STATUS_COLOURS.get(name, "#555555")
    if name.startswith(TASK_PREFIX):
        return TASK_SERVICE_COLOUR
    return CONTACT_SERVICE_COLOUR


def journey_flow(
    journeys: pd.DataFrame,
    *,
    language: str = "en",
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> Figure:
    """Draw how journeys move from step to step and how they end, as an alluvial diagram.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journey table (``path`` and ``status`` are used), all replications summed.
    language : {"en", "nl"}, optional
        Language of the labels.
    names : mapping, optional
        Display names of the departments (a task node by its department's name).

    Returns
    -------
    matplotlib.figure.Figure
        Columns step 1 .. step 4 and status; nodes are labelled with their number of journeys
        (nodes under 2.5% of the journeys are left unlabelled to keep the labels readable).
    """
    t = _text(language)
    fig = _new_figure(width=WIDTH_IN + 2.0, height=HEIGHT_IN + 1.5)
    ax = fig.subplots()
    ax.set_axis_off()
    fig.suptitle(t["flow_title"], fontsize=SUPTITLE_PT)
    nodes, more = _flow_nodes(journeys) if len(journeys) else (pd.DataFrame({"n": []}), 0)
    total = int(nodes["n"].sum())
    if total == 0:
        return fig
    n_cols = FLOW_STEPS + 1
    node_w = 0.14
    gap = 0.035 * total
    status_rank = {s: i for i, s in enumerate(STATUSES)}

    # Node positions (top, height) per column, stacked from the top with gaps.
    order: list[list[str]] = []
    place: list[dict[str, tuple[float, float]]] = []
    height = 0.0
    for k in range(n_cols):
        counts = nodes.groupby(f"c{k}", sort=False)["n"].sum()
        keys = _node_order(set(counts.index))
        order.append(keys)
        tops, y = {}, 0.0
        for key in keys:
            tops[key] = (y, float(counts[key]))
            y += float(counts[key]) + gap
        place.append(tops)
        height = max(height, y - gap)
    for k in range(n_cols):  # centre each column vertically
        col_h = sum(h for _, h in place[k].values()) + gap * (len(place[k]) - 1)
        shift = (height - col_h) / 2.0
        place[k] = {key: (top + shift, h) for key, (top, h) in place[k].items()}

    # Bands between neighbouring columns, one per (source, target, final status).
    for k in range(n_cols - 1):
        src, dst = f"c{k}", f"c{k + 1}"
        links = nodes.groupby([src, dst, "status"], sort=False)["n"].sum().reset_index(name="n")
        rank_src = {key: i for i, key in enumerate(order[k])}
        rank_dst = {key: i for i, key in enumerate(order[k + 1])}
        links["rs"] = links[src].map(rank_src)
        links["rd"] = links[dst].map(rank_dst)
        links["st"] = links["status"].map(lambda s: status_rank.get(s, len(STATUSES)))
        source = links[src].to_numpy(dtype=object)
        target = links[dst].to_numpy(dtype=object)
        status = links["status"].to_numpy(dtype=object)
        width = links["n"].to_numpy(dtype=float)
        out_next = {key: place[k][key][0] for key in order[k]}
        in_next = {key: place[k + 1][key][0] for key in order[k + 1]}
        tops_out = np.zeros(len(links))
        for i in np.lexsort((links["st"], links["rd"], links["rs"])):
            tops_out[i] = out_next[source[i]]
            out_next[source[i]] += width[i]
        for i in np.lexsort((links["st"], links["rs"], links["rd"])):
            top_in = in_next[target[i]]
            in_next[target[i]] += width[i]
            patch = PathPatch(
                _band(k + node_w, k + 1.0, float(tops_out[i]), top_in, float(width[i])),
                facecolor=STATUS_COLOURS.get(str(status[i]), "#555555"),
                edgecolor="none",
                alpha=0.38,
                zorder=1,
            )
            ax.add_patch(patch)

    # Nodes, their labels and the column headers.
    for k in range(n_cols):
        for key in order[k]:
            top, h = place[k][key]
            ax.add_patch(
                Rectangle(
                    (k, top), node_w, h, facecolor=_node_colour(key), edgecolor="none", zorder=2
                )
            )
            if h < FLOW_LABEL_SHARE * total:
                continue
            kind, name = key.split(":", 1)
            label = (
                _status_label(name, t) if kind == "status" else _lane_label(name, language, names)
            )
            ax.text(
                k + node_w + 0.03,
                top + h / 2.0,
                f"{label}\n{_count(int(h), language)}",
                ha="left",
                va="center",
                fontsize=11,
                zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.5},
            )
        header = (
            t["status"]
            if k == FLOW_STEPS
            else t["step_last" if k == FLOW_STEPS - 1 else "step"].format(k=k + 1)
        )
        ax.text(
            k + node_w / 2.0,
            -0.03 * height,
            header,
            ha="center",
            va="bottom",
            fontsize=LABEL_PT,
            fontweight="bold",
        )
    ax.set_xlim(-0.1, n_cols - 1 + node_w + 0.75)
    ax.set_ylim(height * 1.02, -0.1 * height)  # top of the data at the top of the axes
    n_reps = _replication_count(journeys)
    reps = t["flow_reps"].format(n=n_reps) if n_reps > 1 else t["flow_reps_one"]
    note = t["flow_note"].format(n=_count(total, language), reps=reps)
    if more:
        note += t["flow_more"].format(n=_count(more, language), k=FLOW_STEPS)
    ax.set_title(note, fontsize=11, loc="left", wrap=True, color="#333333")
    entries: list[tuple[object, str]] = [
        (Patch(facecolor=STATUS_COLOURS[s], alpha=0.6), _status_label(s, t)) for s in STATUSES
    ]
    entries.append((Patch(facecolor=CONTACT_SERVICE_COLOUR), t["contact_node"]))
    entries.append((Patch(facecolor=TASK_SERVICE_COLOUR), t["task_node"]))
    _figure_legend(fig, entries, ncols=5)
    return fig
