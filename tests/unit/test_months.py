"""The month-by-month section of the reports, from a hand-made summary."""

from __future__ import annotations

import pandas as pd

from klantstroom.report.months import judged_periods, month_table, months_section


def _summary() -> pd.DataFrame:
    rows = []
    for period, level, judged in (
        ("run", 0.65, True),
        ("2027-01", 0.70, False),
        ("2027-07", 0.47, False),
        ("piekmaand", 0.54, False),
    ):
        rows.append(
            {
                "period": period,
                "channel": "phone",
                "shop": "all",
                "department": "all",
                "service": "all",
                "staff_group": "all",
                "kpi": "service_level",
                "mean": level,
                "judged": judged,
            }
        )
    rows.append({**rows[-1], "channel": "counter", "kpi": "access_days_mean", "mean": 2.0})
    rows.append({**rows[-1], "period": "2027-07", "mean": 3.25, "judged": False})
    rows[-2]["judged"] = True  # the counter is judged on piekmaand
    return pd.DataFrame(rows)


def test_month_table_keeps_calendar_months_only() -> None:
    months = month_table(_summary())
    assert sorted(set(months["period"])) == ["2027-01", "2027-07"]
    assert sorted(set(months["month"])) == [1, 7]


def test_judged_periods_per_channel() -> None:
    assert judged_periods(_summary()) == {"phone": "run", "counter": "piekmaand"}


def test_months_section_one_run_is_a_kpi_by_month_table() -> None:
    html = "\n".join(months_section([("Nulmeting", _summary())], "en"))
    assert "Month by month" in html
    assert "<th>Jan</th>" in html and "<th>Jul</th>" in html and "<th>Mar</th>" not in html
    assert "70.0%" in html and "47.0%" in html and "3.25 d" in html
    assert "counter: piekmaand" in html and "phone: the whole run" in html


def test_months_section_several_runs_line_up_by_month_in_dutch() -> None:
    later = _summary()
    later["period"] = later["period"].str.replace("2027", "2028")
    html = "\n".join(months_section([("2027", _summary()), ("2028", later)], "nl"))
    assert "Maand voor maand" in html and "<th>jul</th>" in html
    assert html.count("<td>2028</td>") == 2  # one row per KPI table


def test_no_months_no_section() -> None:
    only_run = _summary().query("period == 'run' or period == 'piekmaand'")
    assert months_section([("x", only_run)], "en") == []
