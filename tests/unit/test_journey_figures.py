"""Tests for the journey figures in klantstroom.report.journey_figures (synthetic tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from klantstroom.report.journey_figures import (
    JOURNEY_FIGURE_NAMES,
    journey_flow,
    journey_lead_time,
    persona_journeys,
    write_journey_figures,
)

START = pd.Timestamp("2027-01-04")
CHANNELS = ["phone", "counter", "digital", "chat"]
SERVICES = ["paspoort", "parkeervergunning"]
DEPARTMENTS = ["burgerzaken", "vergunningen"]
OUTCOMES = ["served", "abandoned", "unserved", "balked", "no_show", "rebooked", "not_reached"]
ORIGINS = ["new", "redial", "return", "switch", "follow_up", "rebook", "task", "callback"]
ENDS = ["open", "resolved", "given_up"]
NORM_DAYS = {"paspoort": 5.0, "parkeervergunning": 8.0}
PERSONAS = {
    # persona: (service, path, status, start_min)
    "Anna": ("paspoort", "digital>task:burgerzaken>phone", "resolved", 9 * 60.0),
    "Bram": ("parkeervergunning", "phone>phone>task:vergunningen>callback", "given_up", 1500.0),
}


def _cat(values: list[Any], categories: list[str]) -> pd.Categorical:
    return pd.Categorical(values, categories=categories)


def _tables(replications: int = 2, seed: int = 3) -> dict[str, pd.DataFrame]:
    """Contacts, tasks, journeys and backlog that follow the table contracts."""
    rng = np.random.default_rng(seed)
    steps = ["phone", "digital", "chat", "counter", "task:burgerzaken", "task:vergunningen"]
    contacts: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    journeys: list[dict[str, Any]] = []
    for rep in range(replications):
        specs: list[tuple[str | None, str, str, str, float]] = [
            (name, *spec) for name, spec in PERSONAS.items()
        ]
        for _ in range(40):
            n_steps = int(rng.choice([1, 1, 2, 2, 3, 4, 5]))
            path = ">".join(str(rng.choice(steps)) for _ in range(n_steps))
            status = str(rng.choice(ENDS, p=[0.1, 0.75, 0.15]))
            specs.append(
                (None, str(rng.choice(SERVICES)), path, status, float(rng.uniform(0, 9 * 1440)))
            )
        for journey_id, (persona, service, path, status, start) in enumerate(specs, start=1):
            now = start
            parts = path.split(">")
            for k, step in enumerate(parts):
                last = k == len(parts) - 1
                wait = (
                    float(rng.uniform(5, 600)) if step.startswith("task:") else rng.uniform(1, 20)
                )
                work = float(rng.uniform(5, 30))
                if last and status == "open":
                    begin, end = np.nan, np.nan
                else:
                    begin, end = now + wait, now + wait + work
                if step.startswith("task:"):
                    tasks.append(
                        {
                            "replication": rep,
                            "task_id": len(tasks),
                            "journey_id": journey_id,
                            "department": step.removeprefix("task:"),
                            "service": service,
                            "created_min": now,
                            "start_min": begin,
                            "end_min": end,
                            "due_min": now + 3 * 1440,
                            "wait_min": wait,
                            "processing_min": work,
                            "status": "open" if np.isnan(end) else "done",
                        }
                    )
                else:
                    gave_up = last and status == "given_up"
                    if gave_up:  # hung up after waiting: no service part
                        end = now + wait
                    contacts.append(
                        {
                            "replication": rep,
                            "contact_id": len(contacts),
                            "journey_id": journey_id,
                            "channel": "phone" if step == "callback" else step,
                            "origin": "callback" if step == "callback" else "new",
                            "service": service,
                            "arrival_min": now,
                            "start_min": np.nan if gave_up else begin,
                            "end_min": end,
                            "wait_min": wait,
                            "service_min": np.nan if gave_up else work,
                            "outcome": "abandoned" if gave_up else "served",
                            "journey_end": status if last else "open",
                        }
                    )
                last_end = end
                now = (end if np.isfinite(end) else now) + float(rng.uniform(30, 2000))
            end_min = np.nan if status == "open" else last_end
            due = start + NORM_DAYS[service] * 1440
            journeys.append(
                {
                    "replication": rep,
                    "journey_id": journey_id,
                    "citizen_id": 1000 + journey_id,
                    "persona": persona,
                    "service": service,
                    "first_channel": parts[0] if parts[0] in CHANNELS else "digital",
                    "path": path,
                    "start_min": start,
                    "end_min": end_min,
                    "status": status,
                    "lead_time_days": (end_min - start) / 1440,
                    "due_min": due,
                    "within_norm": (end_min <= due) if status == "resolved" else pd.NA,
                    "contacts": sum(not p.startswith("task:") for p in parts),
                    "tasks": sum(p.startswith("task:") for p in parts),
                }
            )
    c = pd.DataFrame(contacts)
    c["replication"] = c["replication"].astype("int32")
    c["channel"] = _cat(list(c["channel"]), CHANNELS)
    c["origin"] = _cat(list(c["origin"]), ORIGINS)
    c["service"] = _cat(list(c["service"]), SERVICES)
    c["outcome"] = _cat(list(c["outcome"]), OUTCOMES)
    c["journey_end"] = _cat(list(c["journey_end"]), ENDS)
    c["department"] = _cat([None] * len(c), DEPARTMENTS)
    c["arrival_at"] = START + pd.to_timedelta(c["arrival_min"], unit="min")
    t = pd.DataFrame(tasks)
    t["replication"] = t["replication"].astype("int32")
    t["department"] = _cat(list(t["department"]), DEPARTMENTS)
    t["service"] = _cat(list(t["service"]), SERVICES)
    t["status"] = _cat(list(t["status"]), ["done", "open"])
    j = pd.DataFrame(journeys)
    j["replication"] = j["replication"].astype("int32")
    j["persona"] = j["persona"].astype("string")
    j["service"] = _cat(list(j["service"]), SERVICES)
    j["first_channel"] = _cat(list(j["first_channel"]), CHANNELS)
    j["status"] = _cat(list(j["status"]), ENDS)
    j["within_norm"] = j["within_norm"].astype("boolean")
    j["start_at"] = START + pd.to_timedelta(j["start_min"], unit="min")
    rows = []
    for rep in range(replications):
        for day in range(14):
            for queue in ["digital", *DEPARTMENTS]:
                open_items = int(rng.integers(0, 30)) + 2 * day
                rows.append(
                    {
                        "replication": rep,
                        "day": day,
                        "date": START + pd.Timedelta(days=day),
                        "queue": queue,
                        "arrived": int(rng.integers(0, 20)),
                        "done": int(rng.integers(0, 20)),
                        "open_end_of_day": open_items,
                        "open_late_end_of_day": int(rng.integers(0, open_items + 1)) // 2,
                    }
                )
    b = pd.DataFrame(rows)
    b["replication"] = b["replication"].astype("int32")
    return {"contacts": c, "tasks": t, "journeys": j, "backlog": b}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return _tables()


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_writes_the_four_figures_as_images(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    paths = write_journey_figures(
        tables["contacts"], tables["tasks"], tables["journeys"], tables["backlog"], tmp_path
    )
    assert [p.name for p in paths] == [f"{name}.png" for name in JOURNEY_FIGURE_NAMES]
    for path in paths:
        assert path.parent == tmp_path and path.is_file()
        image = mpimg.imread(path)
        assert image.ndim == 3 and image.shape[2] in (3, 4)
        assert image.shape[0] >= 400 and image.shape[1] >= 800
        assert float(image[..., :3].std()) > 0.05  # not a blank canvas


def test_empty_inputs_skip_their_figures(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    empty = {name: frame.iloc[0:0] for name, frame in tables.items()}
    assert write_journey_figures(**empty, folder=tmp_path / "none") == []
    assert list((tmp_path / "none").iterdir()) == []
    # Tables without rows and without dtypes, as the table builders return them.
    bare = {name: pd.DataFrame(columns=list(frame.columns)) for name, frame in tables.items()}
    assert write_journey_figures(**bare, folder=tmp_path / "bare") == []
    # No backlog: the three journey figures only.
    paths = write_journey_figures(
        tables["contacts"],
        tables["tasks"],
        tables["journeys"],
        empty["backlog"],
        tmp_path / "no_backlog",
    )
    assert [p.stem for p in paths] == ["journey_lead_time", "journey_flow", "persona_journeys"]


def test_single_step_journeys_skip_lead_time_and_flow(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    # A textbook queue: every journey is one contact, so the flow has no second step and the
    # lead time is the contact's wait and service, already in the wait distribution.
    journeys = tables["journeys"]
    single = journeys[~journeys["path"].str.contains(">", regex=False)]
    assert 0 < len(single) < len(journeys)
    args = (tables["contacts"], tables["tasks"])
    paths = write_journey_figures(*args, single, tables["backlog"], tmp_path / "single")
    stems = [p.stem for p in paths]
    assert "backlog" in stems and not {"journey_lead_time", "journey_flow"} & set(stems)
    # One journey with a second step brings both back.
    some = pd.concat([single, journeys[journeys["path"].str.contains(">", regex=False)][:1]])
    paths = write_journey_figures(*args, some, tables["backlog"], tmp_path / "some")
    assert {"journey_lead_time", "journey_flow"} <= {p.stem for p in paths}


def test_persona_figure_needs_personas_in_the_replication(
    tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    args = (tables["contacts"], tables["tasks"], tables["journeys"], tables["backlog"])
    assert "persona_journeys" not in [
        p.stem for p in write_journey_figures(*args, tmp_path / "a", replication=7)
    ]
    assert "persona_journeys" not in [
        p.stem for p in write_journey_figures(*args, tmp_path / "b", personas=["Nobody"])
    ]
    journeys = tables["journeys"].assign(
        persona=pd.array([pd.NA] * len(tables["journeys"]), "string")
    )
    stems = [p.stem for p in write_journey_figures(*args[:2], journeys, args[3], tmp_path / "c")]
    assert stems == ["backlog", "journey_lead_time", "journey_flow"]


def test_persona_panels_follow_the_requested_personas(tables: dict[str, pd.DataFrame]) -> None:
    args = (tables["contacts"], tables["tasks"], tables["journeys"])
    fig = persona_journeys(*args, replication=1)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert [title.split(" – ")[0] for title in titles] == ["Anna", "Bram"]
    assert "resolved" in titles[0] and "given up" in titles[1]
    # Anna's lanes: digital, the burgerzaken task and phone; Bram's include the callback.
    lanes = [[label.get_text() for label in ax.get_yticklabels()] for ax in fig.axes]
    assert lanes[0] == ["phone", "digital", "task:burgerzaken"]
    assert lanes[1] == ["phone", "task:vergunningen", "callback"]
    only = persona_journeys(*args, personas=["Bram"], replication=0, language="nl")
    assert [ax.get_title(loc="left").split(" – ")[0] for ax in only.axes] == ["Bram"]
    assert "afgehaakt" in only.axes[0].get_title(loc="left")


def test_flow_columns_and_node_counts(tables: dict[str, pd.DataFrame]) -> None:
    journeys = tables["journeys"]
    texts = _texts(journey_flow(journeys))
    for header in ("Step 1", "Step 2", "Step 3", "Step 4+", "Status"):
        assert header in texts
    # The status column holds every journey: its node labels add up to the number of journeys.
    resolved = int((journeys["status"] == "resolved").sum())
    assert f"resolved\n{resolved}" in texts
    more = int((journeys["path"].str.count(">") >= 4).sum())
    assert any(f"{more} journeys had more than 4 steps" in text for text in texts)


def test_unknown_language_is_refused(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        write_journey_figures(
            tables["contacts"],
            tables["tasks"],
            tables["journeys"],
            tables["backlog"],
            tmp_path,
            language="fr",
        )


def test_one_replication_and_no_resolved_journeys(tmp_path: Path) -> None:
    one = _tables(replications=1, seed=8)
    journeys = one["journeys"].copy()
    journeys["status"] = pd.Categorical(["open"] * len(journeys), categories=ENDS)
    journeys["lead_time_days"] = np.nan
    journeys["end_min"] = np.nan
    journeys["within_norm"] = pd.array([pd.NA] * len(journeys), dtype="boolean")
    paths = write_journey_figures(
        one["contacts"], one["tasks"], journeys, one["backlog"].drop(columns="date"), tmp_path
    )
    assert [p.stem for p in paths] == ["backlog", "journey_flow", "persona_journeys"]
    for path in paths:
        assert mpimg.imread(path).shape[0] >= 400


def test_lead_time_names_services_and_fits_a_slide(tables: dict[str, pd.DataFrame]) -> None:
    fig = journey_lead_time(tables["journeys"], names={"paspoort": "Paspoort of ID-kaart"})
    width, height = fig.get_size_inches()
    assert height <= width
    labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert any(label.startswith("Paspoort of ID-kaart") for label in labels)
    assert not any(label.startswith("paspoort") for label in labels)


def test_persona_panels_use_display_names(tables: dict[str, pd.DataFrame]) -> None:
    args = (tables["contacts"], tables["tasks"], tables["journeys"])
    labels = {"personas": {"Anna": "Anna de Vries (34)"}, "departments": {"burgerzaken": "BZ"}}
    fig = persona_journeys(*args, replication=1, language="nl", labels=labels)
    assert fig.axes[0].get_title(loc="left").startswith("Anna de Vries (34) – ")
    lanes = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert lanes == ["telefoon", "e-mail en formulieren", "taak: BZ"]
