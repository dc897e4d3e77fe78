"""What a calibration report says about the fitted behaviour, in plain language.

:func:`behaviour_sections` are the report's sections on after-call work and breaks, handling
time by hour and weekday and the weekly stability of the estimates (each with its table and
figures); :func:`findings_of` gives the short notes at the top of the report (routing classes, the
shift grid, after-call time, redials, how staffing follows the calls).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from klantstroom.calibration import behaviour_figures, report
from klantstroom.calibration.pipeline import Calibration
from klantstroom.calibration.staffing_inference import staffing_follows_calls
from klantstroom.calibration.texts import display, number, texts


def behaviour_sections(
    cal: Calibration,
    weekly: pd.DataFrame,
    drift: pd.DataFrame,
    figures_dir: Path,
    language: str = "en",
) -> list[report.ReportSection]:
    """Report sections on after-call work and breaks, handling by hour and weekly stability."""
    t = texts(language)

    def num(value: float, spec: str) -> str:
        return number(value, spec, language)

    work = cal.after_call
    mixture = work.mixture
    if mixture is not None:
        components = pd.DataFrame(
            {
                "component": [
                    *(f"after-call {k + 1}" for k in range(len(mixture.weights) - 1)),
                    "break",
                ],
                "share_%": 100 * mixture.weights,
                "median_s": mixture.medians_s,
                "sigma_log": mixture.sigmas,
            }
        ).set_index("component")
        components = components[components["share_%"] > 0]
    else:
        components = None
    text = t["gaps_text"].format(
        n=len(cal.unavailability.gaps_s),
        threshold=f"{work.threshold_s:.0f}",
        method=display(work.method, language),
        mean=num(work.mean_s, ".1f"),
    )
    if work.breaks:
        text += t["breaks_text"].format(n=work.n_breaks, mean=num(cal.unavailability.mean_s, ".1f"))
    else:
        text += t["no_breaks_text"]
    sections = [
        report.ReportSection(
            heading=t["after_call_h"],
            text=text,
            table=components,
            digits=2,
            figures=[
                *(
                    [
                        report.save(
                            behaviour_figures.gaps_figure(cal, language), figures_dir / "gaps.png"
                        )
                    ]
                    if len(cal.unavailability.gaps_s)
                    else []
                ),
                *(
                    [
                        report.save(
                            behaviour_figures.break_share_figure(cal, language),
                            figures_dir / "break_share.png",
                        )
                    ]
                    if work.breaks
                    else []
                ),
            ],
        )
    ]
    rows = []
    for service, profiles in sorted(cal.handling_profiles.items()):
        for by, profile in profiles.items():
            factors = profile.table["factor"][profile.table["calls"] >= 30]
            rows.append(
                {
                    "call type": service,
                    "by": by,
                    "p-value": profile.pvalue,
                    "in the scenario": "yes" if profile.used else "no (within chance)",
                    "lowest factor": float(factors.min()) if len(factors) else float("nan"),
                    "highest factor": float(factors.max()) if len(factors) else float("nan"),
                }
            )
    if rows:
        sections.append(
            report.ReportSection(
                heading=t["handling_h"],
                text=t["handling_p"],
                table=pd.DataFrame(rows).set_index(["call type", "by"]),
                digits=3,
                figures=[
                    report.save(
                        behaviour_figures.handling_by_hour_figure(cal, language),
                        figures_dir / "handling_by_hour.png",
                    )
                ],
            )
        )
    sections.append(
        report.ReportSection(
            heading=t["stability_h"],
            text=t["stability_p"],
            table=drift,
            digits=3,
            figures=[
                report.save(
                    behaviour_figures.stability_figure(weekly, drift, language),
                    figures_dir / "stability.png",
                )
            ],
        )
    )
    return sections


def findings_of(
    cal: Calibration, config: dict[str, object], per_class: pd.DataFrame, language: str = "en"
) -> list[str]:
    """Plain-language notes on what the fit found (routing classes, after-call time, ...)."""
    t = texts(language)

    def num(value: float, spec: str) -> str:
        return number(value, spec, language)

    notes = []
    first = [key for key, value in cal.served_first.items() if value]
    if first:
        notes.append(t["first_found"].format(keys=", ".join(first)))
    for key in first:
        present = set(per_class.index.get_level_values("service"))
        table = per_class.xs(key, level="service") if key in present else None
        if table is None or not {"log", "model"} <= set(table.index):
            continue
        wait = table["mean_wait_served_s"].astype(float)
        abandoned = table["abandonment_%"].astype(float)
        load = cal.class_load.get(key)
        shares = ""
        if load is not None and len(load) >= 2:
            quiet, busy = load.iloc[0], load.iloc[-1]
            shares = t["class_shares"].format(
                quiet=f"{100 * quiet['class_share']:.0f}",
                quiet_load=load.index[0],
                busy=f"{100 * busy['class_share']:.0f}",
                busy_load=load.index[-1],
            )
        notes.append(
            t["class_note"].format(
                key=key,
                wait_log=num(wait["log"], ".1f"),
                aband_log=num(abandoned["log"], ".1f"),
                wait_model=num(wait["model"], ".1f"),
                aband_model=num(abandoned["model"], ".1f"),
                shares=shares,
            )
        )
    notes.append(_shift_edge_note(cal, language))
    work = cal.after_call
    notes.append(
        t["after_call_note"].format(mean=f"{work.mean_s:.0f}", threshold=f"{work.threshold_s:.0f}")
        + (t["breaks_note"].format(n=work.n_breaks) if work.breaks else t["no_breaks_note"])
    )
    notes.append(
        t["redials_note"].format(
            share=f"{100 * cal.redials.probability:.0f}",
            window=f"{cal.redials.window_min:.0f}",
            delay=num(cal.redials.mean_delay_min, ".1f"),
            anonymous=cal.redials.n_anonymous,
        )
    )
    daily, intraday = staffing_follows_calls(cal.calls, cal.staffing)
    notes.append(
        t["volume_note"].format(cv=num(cal.fresh_profile.daily_cv, ".2f"), daily=num(daily, ".2f"))
    )
    notes.append(t["intraday_note"].format(intraday=num(intraday, ".2f")))
    return notes


def _shift_edge_note(cal: Calibration, language: str = "en") -> str:
    """How the agents' first answers sit against the shift grid, and what snapping added."""
    served = cal.calls[(cal.calls["outcome"] == "served") & cal.calls["agent"].notna()]
    first = served.groupby([served["agent"], served["answered"].dt.normalize()])["answered"].min()
    minute = (first.dt.hour * 60 + first.dt.minute) % cal.shift_grid_min
    near = float((minute < cal.shift_snap_min).mean()) if len(first) else float("nan")
    even = cal.shift_snap_min / cal.shift_grid_min
    added = float(cal.staffing.to_numpy().sum() / cal.staffing_as_logged.to_numpy().sum() - 1)
    return texts(language)["shift_edge_note"].format(
        near=f"{100 * near:.0f}",
        snap=f"{cal.shift_snap_min:g}",
        grid=cal.shift_grid_min,
        even=f"{100 * even:.0f}",
        added=number(100 * added, ".1f", language),
    )
