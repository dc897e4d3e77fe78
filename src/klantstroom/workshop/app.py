"""The workshop page: levers on the left, a what-if's norms beside its baseline's on the right.

Streamlit runs this script on every interaction. The levers sit in one form, so a room can set
several before anything runs; "Doorrekenen" saves the what-if as a scenario file
(:func:`klantstroom.workshop.whatif.save_whatif`), runs it and its baseline (cached per
configuration) with a progress bar, and shows the norms as traffic lights with their 95%
intervals, the difference against the baseline, the key figures and a persona's journey.

``klantstroom-workshop`` serves it (:mod:`klantstroom.workshop.command`); it reads its language
and output folder from the environment the command sets (``KLANTSTROOM_WORKSHOP_LANGUAGE``,
``KLANTSTROOM_WORKSHOP_OUTPUTS``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from klantstroom.config.gate import ConfigFileRefused
from klantstroom.model.policies import POLICIES
from klantstroom.paths import scenarios_dir
from klantstroom.report.headline import fmt
from klantstroom.report.overview import beside
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.workshop.levers import (
    LeverError,
    Levers,
    blendable_groups,
    multi_skilled_share,
    overlays,
)
from klantstroom.workshop.page_text import MONTHS, TEXT, persona_sections
from klantstroom.workshop.whatif import (
    compose_levers_base,
    config_files_state,
    run_cached,
    save_whatif,
)

# One run at a time: Hydra's compose API keeps global state, and two runs would share the cores.
_RUNNING = threading.Lock()
# Traffic lights as cell colours (an emoji needs a font a projector's laptop may lack).
_LIGHT = {"met": "#c8e6c9", "not met": "#ffcdd2", "uncertain": "#ffe0b2"}


@st.cache_data(show_spinner=False, max_entries=32)
def _base(
    year: str, whatifs: tuple[str, ...], files: tuple[tuple[str, int, int, int, int], ...]
) -> tuple[dict[str, Any], dict[str, float]]:
    """The composed year and what-ifs (group names and labels for the levers).

    ``files`` (:func:`~klantstroom.workshop.whatif.config_files_state`) is only part of the
    cache's key: an edit of ``conf/`` or ``scenarios/`` while the page is open composes again,
    so the levers show the groups and labels a run will use. A rerun with the files as they
    were is answered from the cache, without waiting for a run in progress.
    """
    with _RUNNING:
        return compose_levers_base(Levers(year=year, whatifs=whatifs))


def _status(status: str | None, t: dict[str, Any]) -> str:
    return t[status] if status else ""


def _lights(table: pd.DataFrame, columns: list[Hashable], t: dict[str, Any]) -> Any:
    """``table`` with its status cells coloured green, red or amber."""
    colour = {t[status]: f"background-color: {hex_}" for status, hex_ in _LIGHT.items()}
    return table.style.map(lambda value: colour.get(value, ""), subset=columns)


def main() -> None:
    """Draw the page (Streamlit calls this script top to bottom on every interaction)."""
    outputs = Path(os.environ.get("KLANTSTROOM_WORKSHOP_OUTPUTS", "outputs/workshop"))
    default_language = os.environ.get("KLANTSTROOM_WORKSHOP_LANGUAGE", "nl")
    st.set_page_config(page_title="klantstroom workshop", layout="wide")
    languages = ["nl", "en"]
    language = st.sidebar.radio(
        "Taal / language",
        languages,
        index=languages.index(default_language) if default_language in languages else 0,
        horizontal=True,
        key="language",
    )
    t = TEXT[language]
    st.title(t["title"])
    st.caption(t["lead"])
    years, whatifs = overlays(scenarios_dir())
    year_names = {y.name: y.label for y in years}
    whatif_names = {w.name: w.label for w in whatifs}
    year = str(
        st.sidebar.selectbox(
            t["year"], list(year_names), format_func=lambda y: year_names[y], key="year"
        )
    )
    chosen = st.sidebar.multiselect(
        t["whatifs"],
        list(whatif_names),
        format_func=lambda w: whatif_names[w],
        key="whatifs",
        placeholder=t["choose"],
    )
    try:
        base, hours = _base(year, tuple(chosen), config_files_state())
    except (ScenarioErrors, ConfigFileRefused) as error:
        st.error(f"{t['not_composed']}\n\n{error}")
        return
    groups = base.get("staff_groups") or {}
    with st.form("levers"):
        run_col, demand_col, counter_col = st.columns(3)
        with run_col:
            st.subheader(t["run"])
            month = st.selectbox(
                t["month"],
                list(range(1, 13)),
                index=2,
                format_func=lambda m: MONTHS[language][m - 1],
                key="month",
            )
            weeks = st.number_input(t["weeks"], 1, 52, 4, key="weeks")
            replications = st.number_input(t["replications"], 1, 20, 3, key="replications")
        with demand_col:
            st.subheader(t["demand"])
            demand = st.number_input(t["demand_factor"], 0, 300, 100, step=5, key="demand")
            shift = st.slider(t["channel_shift"], 0, 30, 0, key="shift")
        with counter_col:
            st.subheader(t["counter"])
            appointment = st.slider(t["appointment_share"], 0, 100, 0, key="appointment")
            keep_appointment = st.checkbox(t["keep_year"], True, key="keep_appointment")
            desks = st.number_input(t["desks"], 0, 300, 100, step=10, key="desks")
        staff_col, rules_col = st.columns([2, 1])
        with staff_col:
            st.subheader(t["staff"])
            current = multi_skilled_share(base, hours)
            share = st.slider(t["broad_share"], 0, 100, round(100 * current), key="broad_share")
            with st.expander(t["per_group"]):
                factors = {
                    name: st.number_input(
                        str(group.get("label") or name), 0, 300, 100, step=5, key=f"hc_{name}"
                    )
                    for name, group in groups.items()
                }
        with rules_col:
            st.subheader(t["rules"])
            blend_options = ["year", "on", "off"]
            blend = st.selectbox(
                t["blend"],
                blend_options,
                format_func=lambda b: t[f"blend_{b}"],
                key="blend",
                disabled=not blendable_groups(base),
            )
            policies = ["year", *POLICIES]
            policy = st.selectbox(
                t["policy"], policies, format_func=lambda p: t["policies"].get(p, p), key="policy"
            )
            reserve = st.number_input(t["reserve"], -1, 20, -1, key="reserve")
            closing = st.selectbox(
                t["phone_closing"],
                ["year", "12:00", "13:00", "15:00", "16:00", "16:30", "17:00", "17:30", "18:00"],
                format_func=lambda c: t["blend_year"] if c == "year" else c,
                key="closing",
            )
        st.subheader(t["save"])
        title_col, who_col = st.columns([2, 1])
        title = title_col.text_input(t["whatif_title"], t["default_title"], key="title")
        who = who_col.text_input(t["who"], "", key="who")
        why = st.text_area(t["why"], "", key="why", height=68)
        submitted = st.form_submit_button(t["go"], type="primary")
    if submitted:
        levers = Levers(
            year=year,
            whatifs=tuple(chosen),
            start_month=int(month),
            horizon_days=7 * int(weeks),
            warmup_days=14,
            replications=int(replications),
            headcount_factor={n: f / 100.0 for n, f in factors.items() if f != 100},
            multi_skilled_share=None if share == round(100 * current) else share / 100.0,
            channel_shift_pp=float(shift),
            appointment_share=None if keep_appointment else appointment / 100.0,
            appointment_desks_factor=desks / 100.0,
            counter_blend={"year": None, "on": True, "off": False}[blend],
            routing_policy=None if policy == "year" else policy,
            deferred_reserve=None if reserve < 0 else int(reserve),
            demand_factor=demand / 100.0,
            phone_closing=None if closing == "year" else str(closing),
            language=language,
        )
        _run(levers, (title, year_names[year]), who, why, outputs, t)
    if "shown" in st.session_state:
        _results(st.session_state["shown"], language, t)


def _run(
    levers: Levers,
    titles: tuple[str, str],
    who: str,
    why: str,
    outputs: Path,
    t: dict[str, Any],
) -> None:
    """Save the what-if, run it and its baseline, and keep them for the results.

    ``titles`` are the what-if's and the road-map year's (for the baseline's name).
    """
    title, year_label = titles
    total = 2 * levers.replications
    bar = st.progress(0.0, text=t["progress"].format(done=0, total=total))
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        bar.progress(
            min(done[0] / total, 1.0), text=t["progress"].format(done=done[0], total=total)
        )

    try:
        with _RUNNING:
            saved = save_whatif(levers, title=title, who=who, why=why)
            whatif = run_cached(saved.overrides, outputs, on_replication=tick)
            # The baseline is a scenario file too: named in comparisons, replayable as the what-if.
            base_title = t["baseline_title"].format(
                year=year_label,
                month=MONTHS[levers.language][levers.start_month - 1],
                weeks=levers.horizon_days // 7,
                reps=levers.replications,
            )
            base_saved = save_whatif(
                levers.baseline(),
                title=base_title,
                who="klantstroom-workshop",
                why=t["baseline_why"],
            )
            baseline = run_cached(base_saved.overrides, outputs, on_replication=tick)
    except (LeverError, ScenarioErrors, ConfigFileRefused) as error:
        bar.empty()
        st.error(f"{t['not_run']}\n\n{error}")
        return
    bar.progress(1.0, text=t["done"])
    history = st.session_state.setdefault("history", [])
    entry = {"saved": saved, "whatif": whatif, "baseline": baseline}
    history.append(entry)
    st.session_state["shown"] = entry


def _results(entry: dict[str, Any], language: str, t: dict[str, Any]) -> None:
    """The norms as traffic lights beside the baseline, key figures, persona, replay."""
    saved, whatif, baseline = entry["saved"], entry["whatif"], entry["baseline"]
    st.header(t["results"].format(title=saved.title))
    st.success(
        t["saved"].format(path=saved.path, command=f"klantstroom {' '.join(saved.overrides)}")
    )
    rows = beside(whatif, baseline, language)
    table = pd.DataFrame(
        {
            t["col_kpi"]: [r.row.name for r in rows],
            t["col_norm"]: [r.row.norm for r in rows],
            t["col_whatif"]: [r.row.value for r in rows],
            t["col_status"]: [_status(r.row.status, t) for r in rows],
            t["col_baseline"]: [r.baseline for r in rows],
            t["col_base_status"]: [_status(r.baseline_status, t) for r in rows],
            t["col_difference"]: [r.difference for r in rows],
            t["col_significant"]: [t["yes"] if r.significant else t["no"] for r in rows],
        }
    )
    st.subheader(t["norms"])
    st.caption(t["norms_note"])
    st.table(_lights(table.set_index(t["col_kpi"]), [t["col_status"], t["col_base_status"]], t))
    st.subheader(t["key_figures"])
    st.table(_key_figures(whatif, baseline, t, language))
    personas = persona_sections(whatif.folder / "personas.txt")
    if personas:
        st.subheader(t["persona"])
        who = st.selectbox(t["persona_pick"], list(personas), key="persona")
        st.code(personas[who], language=None)
    st.subheader(t["replay"])
    st.markdown(t["replay_text"])
    st.code(
        f"klantstroom {' '.join(saved.overrides)}\n"
        f"klantstroom-compare {baseline.folder} {whatif.folder}",
        language="bash",
    )
    history = st.session_state.get("history", [])
    if len(history) > 1:
        st.subheader(t["history"])
        st.table(
            pd.DataFrame(
                {
                    t["col_whatif_name"]: [h["saved"].title for h in history],
                    t["col_file"]: [str(h["saved"].path) for h in history],
                    t["col_folder"]: [str(h["whatif"].folder) for h in history],
                }
            )
        )


def _key_figures(whatif: Any, baseline: Any, t: dict[str, Any], language: str) -> pd.DataFrame:
    """Offered and served per channel (mean per replication): what-if beside baseline."""
    values: dict[tuple[str, str], dict[str, str]] = {}
    for column, run in ((t["col_whatif"], whatif), (t["col_baseline"], baseline)):
        summary = run.period_summary  # the whole run, whatever period a channel is judged on
        mask = (summary["channel"] != "all") & (summary["period"] == "run")
        for key in ("service", "department", "shop", "staff_group", "segment"):
            if key in summary:
                mask &= summary[key] == "all"
        for kpi in ("offered", "served"):
            part = summary[mask & (summary["kpi"] == kpi)]
            for channel, value in zip(part["channel"], part["mean"], strict=True):
                row = values.setdefault((t["channels"].get(channel, channel), t[kpi]), {})
                row[column] = fmt(value, "count", language)
    index = pd.MultiIndex.from_tuples(list(values), names=[t["col_channel"], t["col_measure"]])
    return pd.DataFrame(list(values.values()), index=index)


main()
