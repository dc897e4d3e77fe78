"""The words of the calibration report in English and Dutch (``klantstroom-calibrate --language``).

One table per language: the page's headings and paragraphs, the column heads of its tables, the
figures' titles and axes, and the sentences of the findings with their numbers as named fields.
:func:`number` writes a number with a decimal comma in Dutch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LANGUAGES = ("en", "nl")

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "lang": "en",
        "import_line": "{name} ({fmt}): {read} rows read, {kept} kept, {out} left out",
        "import_reason": "{reason} (e.g. lines {where})",
        "fits": {
            "columns": {"quantity": "quantity", "kind": "kind", "mean": "mean"},
            "service": "service time {s}",
            "patience": "patience {s}",
            "priority": "routing priority {s}",
            "nobody": "none (nobody abandoned)",
            "redial": "redial probability",
            "wrapup": "after-call work (wrap-up)",
            "few_gaps": "none (too few gaps measured)",
            "breaks": "breaks: share of agents on duty away",
            "gaps_over": "gaps over {s} s",
            "none": "none",
            "per_half_hour": "{share}% (per half hour with breaks)",
            "volume_cv": "extra day-to-day volume cv",
        },
        "no": "no",
        "names": {},
        "words": {},
        "not_fitted_note": "{name}: not in the fitted scenario; its handling and patience are "
        "fitted on the period replayed (in sample), so its out-of-sample figures flatter the fit",
        "title_calibration": "Calibration of {log}",
        "title_validation": "Validation of {scenario} on {log}",
        "warnings": "Warnings",
        "warning": "warning",
        "holdout_h": "In sample and out of sample",
        "holdout_p": "Fitted on one period (in sample) and validated on another (out of sample): "
        "the behaviour (handling, patience, redials, after-call work, breaks, priorities) comes "
        "from the fit, the demand and agents on duty from the period replayed. Targets: "
        "abandonment within ±1.5 percentage points, mean wait of served calls within ±15%.",
        "targets_h": "Targets",
        "targets_p": "Abandonment within ±1.5 percentage points and mean wait of served calls "
        "within ±15% of the log.",
        "findings_h": "Findings",
        "differences_h": "Where the model differs most",
        "differences_p": "Per group of call types, the hours of the day (with at least 1% of the "
        "calls) where the model-driven replay abandons most more (or fewer) calls than the log, "
        "per replication over the whole period. Handling: the logged mean handling time of the "
        "hour's served calls against the day's; the scenario uses one handling-time distribution "
        "for every hour, so a large value there is part of the explanation. Read with the "
        "findings above.",
        "class_load_h": "Answered ahead of the queue, by load: {key}",
        "class_load_p": "Half-hours grouped by the share of the time other callers of the type "
        "were waiting.",
        "scenario_h": "Fitted scenario",
        "import_h": "Import",
        "fits_h": "Fits",
        "figures_h": "Figures",
        "validated": "(validated: {scenario})",
        "target_heads": {
            "abandonment_log_%": "abandoned, log (%)",
            "abandonment_replay_%": "replay (%)",
            "abandonment_diff_pp": "diff (pp)",
            "abandonment_met": "met",
            "mean_wait_log_s": "mean wait, log (s)",
            "mean_wait_replay_s": "replay (s)",
            "mean_wait_diff_%": "diff (%)",
            "mean_wait_met": "met",
        },
        "difference_heads": {
            "offered_log": "calls, log",
            "abandoned_extra": "extra abandoned, model",
            "abandonment_log_%": "abandoned, log (%)",
            "abandonment_trace_%": "trace (%)",
            "abandonment_model_%": "model (%)",
            "mean_wait_log_s": "mean wait, log (s)",
            "mean_wait_trace_s": "trace (s)",
            "mean_wait_model_s": "model (s)",
            "handling_vs_day_%": "handling vs day (%)",
        },
        "sources": {"log": "log", "trace": "trace-driven replay", "model": "model-driven replay"},
        "days": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        "hour": "Hour of the day",
        "validation_title": "Log and replays, {group} ({period})",
        "panels": (
            "Abandonment (%)",
            "Mean wait of served calls (s)",
            "Answered within 30 s (%)",
            "Mean queue length (calls)",
        ),
        "arrivals_label": "{day} ({n} days)",
        "arrivals_y": "Calls per 30 minutes",
        "arrivals_title": "Fresh arrivals per half hour, mean over the log's dates",
        "service_log": "log ({n} calls)",
        "service_fit": "{kind} (delta AIC {aic}, KS {ks})",
        "service_x": "Service time (s, log scale)",
        "service_y": "Density (per s)",
        "service_title": "Service times of {service}: chosen {kind}, mean {mean} s, cv {cv}",
        "km": "Kaplan–Meier (served calls censored)",
        "patience_fit": "{kind}: mean {mean} min (largest gap {gap})",
        "patience_x": "Time in queue (s)",
        "patience_y": "Still willing to wait",
        "patience_title": "Patience: share of callers still waiting after t seconds",
        "staffing_y": "Agents on duty (persons)",
        "staffing_title": "Staffing inferred from agent activity (first to last call, breaks > "
        "30 min)",
        "gaps_label": "gaps measured ({n})",
        "gap_break": "break",
        "gap_after": "after-call",
        "gap_component": "{what}: {share}%, median {median} s",
        "threshold": "threshold {s} s",
        "gaps_x": "Gap from a call's end to the agent's next answer, callers waiting",
        "gaps_y": "Density (per unit of log gap)",
        "gaps_title": "After-call work {mean} s on average ({method}); {n} breaks above the "
        "threshold",
        "breaks_y": "Agents on duty away (%)",
        "breaks_title": "Breaks: share of agents on duty off the queue (roster unavailable_share)",
        "used": "used",
        "not_used": "not used",
        "handling_x": "Hour the service starts",
        "handling_y": "Handling time / day's mean",
        "handling_title": "Handling time by hour of the day (hours with at least 30 calls)",
        "drifts": " (drifts)",
        "week_from": "from {week}",
        "stability_y": "Week's estimate / pooled estimate",
        "stability_title": "Behaviour estimates per week, with 95% intervals",
        "stability_none": "no behaviour estimate with a pooled value to compare the weeks with",
        "sensitivity_h": "Sensitivity: after-call work and breaks",
        "sensitivity_p": "The targets under each way of splitting the gaps between an agent's "
        "calls into after-call work (applied after every call) and breaks (a share of the agents "
        "away per half hour). 'met' means both targets in both replays; otherwise what misses, "
        "and by how much. All rows: sensitivity.csv.",
        "after_call_h": "After-call work and breaks",
        "handling_h": "Handling time by hour and weekday",
        "handling_p": "Per call type with enough calls, the handling time by the hour (and "
        "weekday) the service started, over the mean of the day, pulled towards 1 where an hour "
        "has few calls. Used in the scenario (handling_by_hour, handling_by_weekday) where the "
        "hours differ beyond chance (Kruskal-Wallis, p < 0.001). Per hour: handling_factors.csv.",
        "stability_h": "Stability from week to week",
        "stability_p": "Each estimate per seven-day block of the log, tested for heterogeneity "
        "(Cochran's Q). A behaviour estimate drifts when the weeks differ beyond chance "
        "(p < 0.001) and by more than 10% of its value; calls per day and agent hours are inputs "
        "of every period and shown for context. Per week: stability.csv.",
        "span": "{first} to {last} ({days} days)",
        "fitted_on": "Fitted on {span}.",
        "the_fit": "the fit",
        "fitted_scenario": "the fitted scenario {scenario}",
        "validated_on": "Validated out of sample on {span}: {source}'s behaviour against that "
        "period's own demand and agents on duty.",
        "gaps_text": "{n} gaps measured between an agent's call and their next answer while "
        "callers were waiting. Gaps up to {threshold} s ({method}) are after-call work: {mean} s "
        "on average after every call (the scenario's wrap-up). ",
        "breaks_text": "The {n} longer gaps are breaks: they become a share of the agents on duty "
        "away from the queue per half hour (the roster's unavailable_share, figure), not "
        "after-call work. Taken all together as after-call work the gaps would average {mean} s "
        "after every call.",
        "no_breaks_text": "The gaps show no separate break component: there are no breaks in the "
        "scenario.",
        "yes": "yes",
        "met": "met",
        "miss_abandonment": "{replay} abandonment {diff} pp",
        "miss_wait": "{replay} wait {diff}%",
        "first_found": "Answered ahead of the queue (fewer than a tenth as likely to queue as "
        "other calls): {keys}. They get routing priority in the scenario.",
        "class_shares": " Their share of the type's calls is {quiet}% in half-hours when other "
        "callers waited {quiet_load} of the time and {busy}% when they waited {busy_load} of it: "
        "they are not an independent stream of callers but mostly the callers who found an agent "
        "free (table 'Answered ahead of the queue, by load' below).",
        "class_note": "{key}: in the log these calls waited {wait_log} s on average and "
        "{aband_log}% hung up; in the model, an independent stream answered first but still "
        "behind busy agents, they wait {wait_model} s and {aband_model}% hang up.{shares} The "
        "model's priority class stands in for that; at busy hours and shift edges it lets them "
        "take agents that queued callers would have had, which is part of the model's extra "
        "abandonment.",
        "after_call_note": "After a call, agents took {mean} s of after-call work on average "
        "(gaps up to {threshold} s while callers were waiting; wrap-up in the scenario)",
        "breaks_note": "; the {n} longer gaps are breaks, a share of the agents away per half hour "
        "(the roster's unavailable_share), not after-call work.",
        "no_breaks_note": "; no separate breaks were found in the gaps.",
        "redials_note": "Redials: {share}% of abandoning callers with a known id called again "
        "within {window} min (mean delay {delay} min); {anonymous} calls were anonymous.",
        "volume_note": "Day-to-day volume varies beyond Poisson with cv {cv}; the scenario fixes "
        "each logged date's volume and agent hours instead (date_factors, headcount_by_date), "
        "because staffing followed the daily volume (correlation {daily} between daily agent "
        "hours and daily calls).",
        "intraday_note": "Within the day a date's inferred staffing also followed that date's own "
        "calls: per half hour, its deviation from the weekday's shape correlates {intraday} with "
        "the calls' deviation (staffing is read off the calls, and planners move staff to a "
        "day's peaks). The model draws a date's calls from the weekday's profile, so "
        "headcount_by_date spreads each date's agent hours in the weekday's shape too; the "
        "trace-driven replay, which replays each date's own calls, keeps each date's own "
        "staffing.",
        "shift_edge_note": "{near}% of the agents' first answers of the day came within {snap} "
        "min after a shift boundary (every {grid} min; {even}% if spread evenly): agents were on "
        "duty before their first call. An agent's day that starts (ends) that close after "
        "(before) a boundary was extended to it, which adds {added}% to the inferred agent hours.",
        "drift_warning": "{name} drifts from week to week: {low} to {high} (pooled {pooled}; "
        "heterogeneity p = {p}). A scenario fitted on the whole log averages over this; check "
        "which weeks match the period you plan for (stability.csv).",
    },
    "nl": {
        "lang": "nl",
        "import_line": "{name} ({fmt}): {read} rijen gelezen, {kept} bewaard, {out} weggelaten",
        "import_reason": "{reason} (bijv. regels {where})",
        "fits": {
            "columns": {"quantity": "grootheid", "kind": "soort", "mean": "gemiddelde"},
            "service": "gesprekstijd {s}",
            "patience": "geduld {s}",
            "priority": "voorrang {s}",
            "nobody": "geen (niemand haakte af)",
            "redial": "kans op terugbellen",
            "wrapup": "nawerk (wrap-up)",
            "few_gaps": "geen (te weinig tussenpozen gemeten)",
            "breaks": "pauzes: deel van de aanwezige medewerkers afwezig",
            "gaps_over": "tussenpozen boven {s} s",
            "none": "geen",
            "per_half_hour": "{share}% (per half uur met pauzes)",
            "volume_cv": "extra cv van het dagvolume",
        },
        "no": "nee",
        "names": {
            "in sample": "binnen de steekproef",
            "out of sample": "buiten de steekproef",
            "all call types": "alle gesprekstypen",
            "all gaps (no breaks)": "alle tussenpozen (geen pauzes)",
            "all gaps": "alle tussenpozen",
            "gap mixture": "mengverdeling van de tussenpozen",
            "mixture": "mengverdeling",
            "5-minute threshold": "grens van 5 minuten",
            "threshold": "grens",
            "(chosen)": "(gekozen)",
            "after-call ": "nawerk ",  # "after-call 1", a component of the gap mixture
            "handling ": "afhandeling ",  # "handling PS (s)", a parameter of the stability table
            "patience (s)": "geduld (s)",
            "break share": "pauzeaandeel",
            # the rows an import leaves out (klantstroom.calibration.importers)
            "unparseable time or number": "onleesbare tijd of onleesbaar getal",
            "wrong number of fields": "verkeerd aantal velden",
            "unreadable CSV line": "onleesbare CSV-regel",
            "negative duration": "negatieve duur",
            "unknown type code": "onbekende typecode",
            "unknown outcome code": "onbekende afloopcode",
            "phantom call (outcome PHANTOM)": "spookgesprek (afloop PHANTOM)",
            "hung up in the voice menu (never queued)": "opgehangen in het keuzemenu (nooit in "
            "de wachtrij)",
            "served without a service time": "geholpen zonder gesprekstijd",
            "served without an agent": "geholpen zonder medewerker",
            "served without an end time": "geholpen zonder eindtijd",
            "over midnight": "over middernacht",
            "duration disagrees with its times": "duur klopt niet met de tijden",
            "missing call_id, service or arrival": "call_id, service of arrival ontbreekt",
            "answered and abandoned both set": "answered en abandoned allebei ingevuld",
            "neither answered nor abandoned set": "answered noch abandoned ingevuld",
            "missing ticket_id, service or arrival": "ticket_id, service of arrival ontbreekt",
            "unknown appointment value": "onbekende waarde voor appointment",
            "called but never finished": "opgeroepen maar nooit afgerond",
        },
        # Column heads, index names and cell values of the page's tables (the CSVs keep theirs).
        "words": {
            "replay": "naspel",
            "offered": "aangeboden",
            "abandonment_rate": "afhaakkans",
            "mean_wait_served_s": "gem. wachttijd geholpen (s)",
            "within_30s": "binnen 30 s",
            "within_60s": "binnen 60 s",
            "mean_queue_length": "gem. wachtrij",
            "hour": "uur",
            "period": "periode",
            "services": "gesprekstypen",
            "kind": "soort",
            "weeks": "weken",
            "pooled": "gepoold",
            "lowest": "laagste",
            "highest": "hoogste",
            "spread_%": "spreiding_%",
            "pvalue": "p-waarde",
            "drifts": "verschuift",
            "parameter": "grootheid",
            "input": "invoer",
            "behaviour": "gedrag",
            "calls per day": "gesprekken per dag",
            "agent hours per day": "medewerkersuren per dag",
            "patience (s)": "geduld (s)",
            "redial probability": "kans op terugbellen",
            "after-call work (s)": "nawerk (s)",
            "break share": "pauzeaandeel",
            "intervals": "halve uren",
            "calls": "gesprekken",
            "class_share": "aandeel_klasse",
            "others_waiting": "anderen_wachtend",
            "log": "logbestand",
            "trace": "naspel met de gelogde gesprekken",
            "model": "naspel met het model",
            # the gap mixture's components, the handling-by-hour and sensitivity tables
            "component": "component",
            "break": "pauze",
            "share_%": "aandeel_%",
            "median_s": "mediaan_s",
            "call type": "gesprekstype",
            "by": "naar",
            "p-value": "p-waarde",
            "in the scenario": "in het scenario",
            "lowest factor": "laagste factor",
            "highest factor": "hoogste factor",
            "yes": "ja",
            "no (within chance)": "nee (binnen het toeval)",
            "estimate": "schatting",
            "threshold (s)": "grens (s)",
            "after-call (s)": "nawerk (s)",
            "breaks (% of agents)": "pauzes (% van de medewerkers)",
        },
        "not_fitted_note": "{name}: niet in het geschatte scenario; de afhandeling en het geduld "
        "zijn op de nagespeelde periode geschat (binnen de steekproef), dus de cijfers buiten de "
        "steekproef vallen gunstiger uit dan de schatting verdient",
        "title_calibration": "Kalibratie op {log}",
        "title_validation": "Validatie van {scenario} op {log}",
        "warnings": "Waarschuwingen",
        "warning": "waarschuwing",
        "holdout_h": "Binnen en buiten de steekproef",
        "holdout_p": "Geschat op de ene periode (binnen de steekproef) en gevalideerd op een "
        "andere (buiten de steekproef): het gedrag (afhandeling, geduld, terugbellen, nawerk, "
        "pauzes, voorrang) komt uit de schatting, de vraag en de aanwezige medewerkers uit de "
        "nagespeelde periode. Doelen: afhaken binnen ±1,5 procentpunt, gemiddelde wachttijd van "
        "geholpen bellers binnen ±15%.",
        "targets_h": "Doelen",
        "targets_p": "Afhaken binnen ±1,5 procentpunt en gemiddelde wachttijd van geholpen "
        "bellers binnen ±15% van het logbestand.",
        "findings_h": "Bevindingen",
        "differences_h": "Waar het model het meest afwijkt",
        "differences_p": "Per groep gesprekstypen de uren van de dag (met minstens 1% van de "
        "gesprekken) waarin het modelgestuurde naspel het meest meer (of minder) bellers laat "
        "afhaken dan het logbestand, per replicatie over de hele periode. Afhandeling: de "
        "gemiddelde afhandeltijd van de geholpen gesprekken van dat uur tegenover die van de "
        "dag; het scenario gebruikt één verdeling van de afhandeltijd voor elk uur, dus een grote "
        "waarde daar is een deel van de verklaring. Lees dit met de bevindingen hierboven.",
        "class_load_h": "Vóór de wachtrij beantwoord, naar drukte: {key}",
        "class_load_p": "Halve uren gegroepeerd naar het deel van de tijd dat andere bellers van "
        "dit type wachtten.",
        "scenario_h": "Geschat scenario",
        "import_h": "Inlezen",
        "fits_h": "Schattingen",
        "figures_h": "Figuren",
        "validated": "(gevalideerd: {scenario})",
        "target_heads": {
            "abandonment_log_%": "afgehaakt, log (%)",
            "abandonment_replay_%": "naspel (%)",
            "abandonment_diff_pp": "verschil (%-punt)",
            "abandonment_met": "gehaald",
            "mean_wait_log_s": "gem. wachttijd, log (s)",
            "mean_wait_replay_s": "naspel (s)",
            "mean_wait_diff_%": "verschil (%)",
            "mean_wait_met": "gehaald",
        },
        "difference_heads": {
            "offered_log": "gesprekken, log",
            "abandoned_extra": "extra afgehaakt, model",
            "abandonment_log_%": "afgehaakt, log (%)",
            "abandonment_trace_%": "spoor (%)",
            "abandonment_model_%": "model (%)",
            "mean_wait_log_s": "gem. wachttijd, log (s)",
            "mean_wait_trace_s": "spoor (s)",
            "mean_wait_model_s": "model (s)",
            "handling_vs_day_%": "afhandeling t.o.v. dag (%)",
        },
        "sources": {
            "log": "logbestand",
            "trace": "naspel met de gelogde gesprekken",
            "model": "naspel met het model",
        },
        "days": ("ma", "di", "wo", "do", "vr", "za", "zo"),
        "hour": "Uur van de dag",
        "validation_title": "Logbestand en naspel, {group} ({period})",
        "panels": (
            "Afgehaakt (%)",
            "Gemiddelde wachttijd geholpen bellers (s)",
            "Binnen 30 s opgenomen (%)",
            "Gemiddelde wachtrij (gesprekken)",
        ),
        "arrivals_label": "{day} ({n} dagen)",
        "arrivals_y": "Gesprekken per 30 minuten",
        "arrivals_title": "Nieuwe gesprekken per half uur, gemiddeld over de dagen van het "
        "logbestand",
        "service_log": "logbestand ({n} gesprekken)",
        "service_fit": "{kind} (delta AIC {aic}, KS {ks})",
        "service_x": "Gesprekstijd (s, logaritmische schaal)",
        "service_y": "Dichtheid (per s)",
        "service_title": "Gesprekstijden van {service}: gekozen {kind}, gemiddeld {mean} s, "
        "cv {cv}",
        "km": "Kaplan–Meier (geholpen gesprekken gecensureerd)",
        "patience_fit": "{kind}: gemiddeld {mean} min (grootste afstand {gap})",
        "patience_x": "Tijd in de wachtrij (s)",
        "patience_y": "Nog bereid te wachten",
        "patience_title": "Geduld: deel van de bellers dat na t seconden nog wacht",
        "staffing_y": "Medewerkers aanwezig (personen)",
        "staffing_title": "Bezetting afgeleid uit de activiteit van medewerkers (eerste tot "
        "laatste gesprek, pauzes > 30 min)",
        "gaps_label": "gemeten tussenpozen ({n})",
        "gap_break": "pauze",
        "gap_after": "nawerk",
        "gap_component": "{what}: {share}%, mediaan {median} s",
        "threshold": "grens {s} s",
        "gaps_x": "Tijd van het eind van een gesprek tot het volgende, terwijl bellers wachtten",
        "gaps_y": "Dichtheid (per eenheid log-tussenpoos)",
        "gaps_title": "Nawerk gemiddeld {mean} s ({method}); {n} pauzes boven de grens",
        "breaks_y": "Aanwezige medewerkers afwezig (%)",
        "breaks_title": "Pauzes: deel van de aanwezige medewerkers buiten de wachtrij (rooster "
        "unavailable_share)",
        "used": "gebruikt",
        "not_used": "niet gebruikt",
        "handling_x": "Uur waarin het gesprek begint",
        "handling_y": "Afhandeltijd / gemiddelde van de dag",
        "handling_title": "Afhandeltijd per uur van de dag (uren met minstens 30 gesprekken)",
        "drifts": " (verschuift)",
        "week_from": "vanaf {week}",
        "stability_y": "Schatting van de week / gepoolde schatting",
        "stability_title": "Gedragsschattingen per week, met 95%-intervallen",
        "stability_none": (
            "geen gedragsschatting met een gepoolde waarde om de weken mee te vergelijken"
        ),
        "sensitivity_h": "Gevoeligheid: nawerk en pauzes",
        "sensitivity_p": "De doelen bij elke manier om de tussenpozen tussen de gesprekken van "
        "een medewerker te verdelen over nawerk (na elk gesprek) en pauzes (een deel van de "
        "medewerkers afwezig per half uur). 'gehaald' betekent beide doelen in beide naspelen; "
        "anders wat mist, en hoeveel. Alle rijen: sensitivity.csv.",
        "after_call_h": "Nawerk en pauzes",
        "handling_h": "Afhandeltijd per uur en weekdag",
        "handling_p": "Per gesprekstype met genoeg gesprekken de afhandeltijd naar het uur (en "
        "de weekdag) waarin het gesprek begon, gedeeld door het gemiddelde van de dag, naar 1 "
        "getrokken waar een uur weinig gesprekken heeft. In het scenario gebruikt "
        "(handling_by_hour, handling_by_weekday) waar de uren meer dan toevallig verschillen "
        "(Kruskal-Wallis, p < 0,001). Per uur: handling_factors.csv.",
        "stability_h": "Stabiliteit van week tot week",
        "stability_p": "Elke schatting per blok van zeven dagen van het logbestand, getoetst op "
        "heterogeniteit (Cochrans Q). Een gedragsschatting verschuift als de weken meer dan "
        "toevallig (p < 0,001) en met meer dan 10% van haar waarde verschillen; gesprekken per "
        "dag en medewerkersuren zijn invoer van elke periode en staan er ter vergelijking bij. "
        "Per week: stability.csv.",
        "span": "{first} tot en met {last} ({days} dagen)",
        "fitted_on": "Geschat op {span}.",
        "the_fit": "de schatting",
        "fitted_scenario": "het geschatte scenario {scenario}",
        "validated_on": "Buiten de steekproef gevalideerd op {span}: het gedrag van {source} "
        "tegen de eigen vraag en de aanwezige medewerkers van die periode.",
        "gaps_text": "{n} tussenpozen gemeten tussen een gesprek van een medewerker en het "
        "volgende, terwijl bellers wachtten. Tussenpozen tot {threshold} s ({method}) zijn "
        "nawerk: gemiddeld {mean} s na elk gesprek (de wrap-up van het scenario). ",
        "breaks_text": "De {n} langere tussenpozen zijn pauzes: ze worden een deel van de "
        "aanwezige medewerkers buiten de wachtrij per half uur (unavailable_share van het "
        "rooster, figuur), geen nawerk. Alles samen als nawerk genomen zouden de tussenpozen "
        "gemiddeld {mean} s na elk gesprek zijn.",
        "no_breaks_text": "De tussenpozen tonen geen aparte pauzes: het scenario heeft geen "
        "pauzes.",
        "yes": "ja",
        "met": "gehaald",
        "miss_abandonment": "{replay} afhaken {diff} %-punt",
        "miss_wait": "{replay} wachttijd {diff}%",
        "first_found": "Vóór de wachtrij beantwoord (minder dan een tiende zo vaak in de "
        "wachtrij als andere gesprekken): {keys}. Ze krijgen voorrang in het scenario.",
        "class_shares": " Hun deel van de gesprekken van dit type is {quiet}% in halve uren "
        "waarin andere bellers {quiet_load} van de tijd wachtten en {busy}% als ze {busy_load} "
        "ervan wachtten: ze zijn geen aparte stroom bellers maar vooral de bellers die een vrije "
        "medewerker troffen (tabel 'Vóór de wachtrij beantwoord, naar drukte' hieronder).",
        "class_note": "{key}: in het logbestand wachtten deze gesprekken gemiddeld {wait_log} s "
        "en haakte {aband_log}% af; in het model, een aparte stroom die als eerste maar nog "
        "steeds na bezette medewerkers wordt beantwoord, wachten ze {wait_model} s en haakt "
        "{aband_model}% af.{shares} De voorrangsklasse van het model staat daarvoor; op drukke "
        "uren en bij dienstwissels neemt ze medewerkers die wachtende bellers hadden gekregen, "
        "wat een deel van het extra afhaken in het model is.",
        "after_call_note": "Na een gesprek besteedden medewerkers gemiddeld {mean} s aan nawerk "
        "(tussenpozen tot {threshold} s terwijl bellers wachtten; wrap-up in het scenario)",
        "breaks_note": "; de {n} langere tussenpozen zijn pauzes, een deel van de medewerkers "
        "afwezig per half uur (unavailable_share van het rooster), geen nawerk.",
        "no_breaks_note": "; in de tussenpozen zijn geen aparte pauzes gevonden.",
        "redials_note": "Terugbellen: {share}% van de afhakers met een bekend nummer belde "
        "binnen {window} min opnieuw (gemiddeld na {delay} min); {anonymous} gesprekken waren "
        "anoniem.",
        "volume_note": "Het volume verschilt van dag tot dag meer dan Poisson, met cv {cv}; het "
        "scenario legt daarom het volume en de medewerkersuren van elke gelogde datum vast "
        "(date_factors, headcount_by_date), omdat de bezetting het dagvolume volgde (correlatie "
        "{daily} tussen medewerkersuren en gesprekken per dag).",
        "intraday_note": "Binnen de dag volgde de afgeleide bezetting van een datum ook de eigen "
        "gesprekken van die datum: per half uur correleert haar afwijking van het weekdagpatroon "
        "{intraday} met die van de gesprekken (de bezetting wordt uit de gesprekken afgelezen, "
        "en planners zetten mensen in op de pieken van een dag). Het model trekt de gesprekken "
        "van een datum uit het weekdagprofiel, dus headcount_by_date verdeelt de "
        "medewerkersuren van een datum ook volgens het weekdagpatroon; het naspel met de "
        "gelogde gesprekken houdt de eigen bezetting van elke datum.",
        "shift_edge_note": "{near}% van de eerste gesprekken van medewerkers op een dag begon "
        "binnen {snap} min na een dienstgrens (elke {grid} min; {even}% bij een gelijke "
        "spreiding): medewerkers waren er vóór hun eerste gesprek. Een dag die zo kort na "
        "(vóór) een grens begint (eindigt) is tot die grens verlengd; dat voegt {added}% toe "
        "aan de afgeleide medewerkersuren.",
        "drift_warning": "{name} verschuift van week tot week: {low} tot {high} (gepoold "
        "{pooled}; heterogeniteit p = {p}). Een scenario dat op het hele logbestand is geschat "
        "middelt hierover; kijk welke weken passen bij de periode die u plant (stability.csv).",
    },
}


def texts(language: str) -> dict[str, Any]:
    """The words of ``language`` (``en`` or ``nl``); raises ``ValueError`` for another."""
    if language not in TEXT:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return TEXT[language]


def display(text: str, language: str) -> str:
    """A name the fit gives (``in sample``, ``all call types``, a row left out) in ``language``."""
    names: dict[str, str] = TEXT[language]["names"]
    for english, local in names.items():  # longer names first where one contains another
        text = text.replace(english, local)
    return text


def localise(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """``table`` with its heads, index and words in ``language``; yes/no for True/False."""
    t = TEXT[language]
    words: dict[str, str] = t["words"]
    if not words:
        return table
    t_yes, t_no = str(t["yes"]), str(t["no"])

    def word(value: Any) -> Any:
        if isinstance(value, bool | np.bool_):
            return t_yes if value else t_no
        if not isinstance(value, str):
            return value
        return words.get(value) or display(value, language)

    table = table.rename(columns=word, index=word)
    table.index = table.index.set_names([word(n) for n in table.index.names])
    table.columns.name = word(table.columns.name)

    # By position: two columns may share a head ("met" for both targets).
    def textual(column: pd.Series) -> bool:
        return bool(
            pd.api.types.is_bool_dtype(column.dtype)
            or pd.api.types.is_object_dtype(column.dtype)
            or pd.api.types.is_string_dtype(column.dtype)
        )

    columns = [
        table.iloc[:, i].map(word) if textual(table.iloc[:, i]) else table.iloc[:, i]
        for i in range(table.shape[1])
    ]
    if not columns:
        return table
    out = pd.concat(columns, axis=1)
    out.columns = table.columns
    return out


def number(value: float, spec: str, language: str) -> str:
    """``value`` formatted with ``spec`` (``.1f``), with a decimal comma in Dutch."""
    text = format(value, spec)
    return text.replace(".", ",") if language == "nl" else text
