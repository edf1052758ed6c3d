"""The weekly report, and the export of the public views.

The report is one self-contained HTML file (inline CSS, charts drawn here as inline SVG, no script, nothing
fetched: a Content-Security-Policy forbids both) plus the same content in Markdown. Every text that comes from a
posting or a resume is escaped: by Jinja2's autoescape in HTML, by ``markdown_text`` in Markdown; links are kept
only for http(s) URLs, so a title holding ``<script>`` or a ``javascript:`` URL renders as inert text.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import jinja2
from markupsafe import Markup

from pipelines import trends
from pipelines.pitch import CUE_EVIDENCE, evidence_text, kit_markdown, sentences
from pipelines.output import output_folder, replace_file
from warehouse.db import reader, table_rows

TEMPLATE = Path(__file__).with_name("report_template.html")
PUBLIC_VIEWS = ("postings_current", "scan_log", "fit_ranked", "fit_companies", "postings_history",
                "postings_deduped", "posting_staleness", "target_companies_weekly", "skill_demand_monthly",
                "skill_demand_weekly", "skill_growth", "skill_lift")
EXPORT_FORMATS = ("parquet", "csv")
TREND_WEEKS = 13
SHOWN_TARGETS = 20
SHOWN_POSTINGS = 9           # posting cards: the best-fitting ones, and the best of the first CARD_TARGETS targets
CARD_TARGETS = 5
SHOWN_MATCHES = 2            # matched requirements per posting card
SHOWN_KIT_ITEMS = 3          # quotes, benefits and proof points per pitch kit on a card
MARKDOWN_KITS = 3            # whole pitch kits in the Markdown report: the first target companies'
SHOWN_TITLE_CHARS = 120
SHOWN_SENTENCE_CHARS = 300
CHART_SKILLS = 5
MIX_COMPANIES = 8
FEW_DATED_POSTINGS = 30      # fewer dated postings in the trend window than this: the trends are tentative
PALETTE = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#db2777")
HIRE_COLOURS = {"bandwidth": "#2563eb", "expertise": "#ea580c", "unclassified": "#cbd5e1"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


class ReportError(ValueError):
    """No report can be made (nothing stored for the week, several profiles, a bad format); says why."""


@dataclass
class ReportData:
    profile: str
    week: date
    as_of: datetime
    pitch: str
    pitch_reason: str
    unquantified: list[str]
    targets: list[dict]
    dropped: list[dict]
    postings: list[dict]           # the best-fitting open postings, one card each
    roadmap: list[dict]
    rising: list[dict]
    trend_until: date              # the rising-skills window ends here: the report's week, or the latest dated one
    demand: trends.DemandSeries
    warnings: list[str]            # what the data could not support
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link, else None (no javascript:, data: or relative links)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def gather(con: duckdb.DuckDBPyConnection, week: date, profile: str | None = None) -> ReportData:
    """Everything the report shows for one profile's week, read from the warehouse's report macros."""
    if profile is None:
        names = [row["profile"] for row in table_rows(con, "report_profiles", week)]
        if len(names) > 1:
            raise ReportError(f"several profiles have a target list for the week of {week} ({', '.join(names)}): "
                              f"pass --profile")
        profile = names[0] if names else None
    listed = table_rows(con, "report_list", week, profile) if profile else []
    if not listed:
        raise ReportError(f"no target list for the week of {week}: run `marketfit report --profile me.toml` "
                          f"(or `marketfit targets --profile me.toml --week {week}`)")
    rows = table_rows(con, "report_targets", week, profile)
    for row in rows:
        row["pitch_notes"] = json.loads(row["pitch_notes"]) if row["pitch_notes"] else None
        row["best_url"] = safe_url(row["best_url"])
    kits = {row["best_posting_id"]: row["pitch_notes"] for row in rows if row["pitch_notes"]}
    roadmap = [row | {"examples": json.loads(row["examples"])} for row in table_rows(con, "report_roadmap", profile)]
    until = week + timedelta(days=7)
    latest = trends.chart_periods(con, "week", until, 1)   # rising skills: the weeks up to the latest dated one
    trend_until = min(until, latest[0] + timedelta(days=7)) if latest else until
    demand = trends.demand_series(con, until, CHART_SKILLS)
    return ReportData(
        profile=profile, week=week, as_of=listed[0]["as_of"], pitch=listed[0]["person_pitch"],
        pitch_reason=listed[0]["pitch_reason"], unquantified=json.loads(listed[0]["unquantified_bullets"]),
        targets=[r for r in rows if r["rank"] is not None], dropped=[r for r in rows if r["rank"] is None],
        postings=[posting_card(row, kits.get(row["posting_id"])) for row in table_rows(
            con, "report_postings", profile, SHOWN_POSTINGS, [r["best_posting_id"] for r in rows[:CARD_TARGETS]])],
        roadmap=roadmap, rising=trends.emerging_skills(con, TREND_WEEKS, limit=10, until_week=trend_until),
        trend_until=trend_until, demand=demand,
        warnings=data_warnings(table_rows(con, "report_data_limits", trend_until, TREND_WEEKS)[0],
                               table_rows(con, "report_failed_sources"), trend_until, until))


def posting_card(row: dict, kit: dict | None) -> dict:
    """One posting as its card shows it: place, remote, annual salary, the hire-type call with the sentence that
    decided it (else its first piece of evidence), the fit with its matched requirements, gaps and broken
    preferences, and for a target company's best posting the pitch kit (``pipelines.pitch``)."""
    evidence = json.loads(row["hire_evidence"] or "[]")
    return {"posting_id": row["posting_id"], "company": row["company"], "title": row["title"],
            "url": safe_url(row["url"]), "fit": row["fit_score"], "tier": row["tier"],
            "place": place_text(row), "remote": row["remote"] or "remote or on-site not said",
            "salary": salary_text(row["salary_min_annual"], row["salary_max_annual"], row["salary_currency"]),
            "hire_type": row["hire_type"], "expertise_probability": row["expertise_probability"],
            "deciding": deciding_sentence(row["description"], evidence, row["hire_type"]),
            "evidence": evidence[0] if evidence else "no evidence stored for this call",
            "matched": json.loads(row["matched"] or "[]"), "gaps": json.loads(row["gaps"] or "[]"),
            "gates": json.loads(row["gates"] or "[]"), "title_only": row["confidence"] == "title only",
            "lead_with": kit["lead_with"] if kit else [], "kit": kit_view(kit) if kit else None}


def kit_view(kit: dict) -> dict:
    """What a card shows of a pitch kit: the customer's pain, the value proposition and the press release,
    every quote with its source; the whole kit is in the Markdown report and `marketfit pitch`."""
    angle, value, letter = kit["angle"], kit["value"], kit["cover_letter"]
    return {"pain": angle["summary"], "pain_evidence": [evidence_text(e) for e in angle["evidence"][:SHOWN_KIT_ITEMS]],
            "benefits": [f"{evidence_text(b['requirement'])} ← {evidence_text(b['proof'])}"
                         for b in value["benefits"][:SHOWN_KIT_ITEMS]],
            "costs": [f"{cost['cost']}: {cost['finding']}" for cost in value["costs"]],
            "headline": letter["headline"], "solution": [evidence_text(s) for s in letter["solution"]],
            "market_fit": kit["market_fit"]["summary"]}


def place_text(row: dict) -> str:
    parts = [part for part in (row["city"], row["region"], row["country"]) if part]
    return ", ".join(dict.fromkeys(parts)) or row["location"] or "place not given"


def salary_text(low: float | None, high: float | None, currency: str | None) -> str:
    """An annualised salary range, e.g. "USD 150,000–180,000 a year"; "not given" without one."""
    if low is None and high is None:
        return "not given"
    figures = "–".join(dict.fromkeys(f"{value:,.0f}" for value in (low, high) if value is not None))
    return f"{currency or '(currency not given)'} {figures} a year"


def deciding_sentence(description: str | None, evidence: list[str], hire_type: str | None) -> str | None:
    """The sentence of the description holding the cue phrase behind the hire-type call (a cue for the call's
    side first); None when no cue phrase decided it."""
    cues = [m for m in (CUE_EVIDENCE.match(e) for e in evidence) if m]
    cues.sort(key=lambda m: m.group(1) != hire_type)
    for cue in cues:
        phrase = cue.group(2).lower()
        for sentence in sentences(description or ""):
            if phrase in sentence.lower():
                sentence = " ".join(sentence.split()).lstrip("-•* ")
                return sentence if len(sentence) <= SHOWN_SENTENCE_CHARS else \
                    sentence[:SHOWN_SENTENCE_CHARS - 1].rstrip() + "…"
    return None


def data_warnings(limits: dict, failed: list[dict], trend_until: date, until: date) -> list[str]:
    """What the data could not support: postings judged from the title only, too few dated postings for trends,
    sources the latest scan could not read."""
    warnings = []
    if limits["title_only"]:
        warnings.append(f"{limits['title_only']} of {limits['open_postings']} open postings have no description: "
                        f"their hire type, skills and fit are judged from the title only.")
    if trend_until < until:
        warnings.append(f"No posting is dated after the week ending {trend_until - timedelta(days=1)}: the rising "
                        f"skills compare the {TREND_WEEKS} weeks up to then with the {TREND_WEEKS} before.")
    if limits["dated_recent"] < FEW_DATED_POSTINGS:
        warnings.append(f"Only {limits['dated_recent']} dated postings in the {TREND_WEEKS} weeks to "
                        f"{trend_until - timedelta(days=1)} (fewer than {FEW_DATED_POSTINGS}): the rising skills and "
                        f"the demand chart are tentative.")
    for source in failed:
        warnings.append(f"The last scan (number {source['scan_id']}, {source['started_at']:%Y-%m-%d}) could not read "
                        f"{source['company']} ({source['ats']} board {source['board']}): {source['status']}, "
                        f"{source['error'] or 'no reason recorded'}; its postings may be out of date.")
    return warnings


def write_report(db: Path, week: date, out_dir: Path, profile: str | None = None) -> list[tuple[Path, bool]]:
    """Write report-<profile>-<week>.html and .md into ``out_dir``; returns each path and whether it replaced an
    existing file."""
    with reader(db) as con:
        data = gather(con, week, profile)
    output_folder(out_dir)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"report-{data.profile}-{data.week}")
    written = []
    for path, text in ((out_dir / f"{stem}.html", render_html(data)), (out_dir / f"{stem}.md", render_markdown(data))):
        written.append((path, replace_file(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))))
    return written


def nothing_moved(moved: list[int]) -> str | None:
    """The sentence to show above a roadmap in which no skill moves any posting up a band (else None)."""
    if not moved or any(moved):
        return None
    return ("No missing skill moves any of the best-fitting postings up a fit band (<40, 40-60, 60-75, >=75); "
            "the skills are ranked by the fit they would add on average, weighted by their demand growth.")


def render_html(data: ReportData) -> str:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True)
    environment.filters["bdi"] = bdi
    environment.filters["shown_title"] = lambda text: bdi(shown_title(text))
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        data=data, shown=data.targets[:SHOWN_TARGETS],
        rising_chart=rising_chart(data.rising, no_rise(data.trend_until)), share_chart=share_chart(data.demand),
        mix_chart=mix_chart(data.targets[:MIX_COMPANIES]), roadmap_chart=roadmap_chart(data.roadmap),
        percent=_percent, signed=_signed, trend_weeks=TREND_WEEKS,
        trend_last_day=data.trend_until - timedelta(days=1), shown_matches=SHOWN_MATCHES,
        roadmap_note=nothing_moved([r["postings_moved"] for r in data.roadmap]))


def bdi(text: object) -> Markup:
    """Posting or resume text escaped and isolated in <bdi>: a right-to-left override (U+202E) in a title
    cannot reorder the text around it."""
    return Markup("<bdi>%s</bdi>") % ("" if text is None else str(text))


def isolated(text: str) -> str:
    """Text between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: <bdi> for where no HTML is (an SVG label)."""
    return f"\u2068{text}\u2069"


def shown_title(text: object) -> str:
    """A title cut to SHOWN_TITLE_CHARS for display (the warehouse keeps it whole)."""
    title = "" if text is None else " ".join(str(text).split())
    return title if len(title) <= SHOWN_TITLE_CHARS else title[:SHOWN_TITLE_CHARS - 1].rstrip() + "…"


def markdown_text(text: object) -> str:
    """Posting or resume text made inert and table-safe in Markdown: HTML escaped, Markdown syntax backslashed."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def inert_strings(value: object) -> object:
    """Every string inside ``value`` (dicts and lists, at any depth) through ``markdown_text``."""
    if isinstance(value, str):
        return markdown_text(value)
    if isinstance(value, dict):
        return {key: inert_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [inert_strings(item) for item in value]
    return value


def render_markdown(data: ReportData) -> str:
    md = markdown_text
    lines = [f"# Where {md(data.profile)} fits: week of {data.week}", "",
             f"Your pitch: **{data.pitch}**: {md(data.pitch_reason)}.", ""]
    if data.warnings:
        lines += ["> **What this data cannot support**", ">"] + [f"> - {md(w)}" for w in data.warnings] + [""]
    lines += ["## Best-fitting postings", ""]
    for n, c in enumerate(data.postings, 1):
        lines += [f"### {n}. {md(shown_title(c['title']))}, {md(c['company'])}: fit {c['fit']:.0f}"
                  + (" (breaks a hard preference: ranked below the rest)" if c["tier"] else ""), "",
                  f"- {md(c['place'])} · {md(c['remote'])} · salary: {md(c['salary'])}"
                  + (f" · [posting]({c['url']})" if c["url"] else ""),
                  f"- hire type: {c['hire_type'] or 'not judged'}"
                  + (f" ({c['expertise_probability']:.0%} expertise)" if c["expertise_probability"] is not None
                     else "")
                  + (f': "{md(c["deciding"])}"' if c["deciding"] else f": {md(c['evidence'])}")]
        lines += [f"- matches: {md(m['requirement'])} ← {md(m['resume_line'])}"
                  for m in c["matched"][:SHOWN_MATCHES]]
        lines += [f"- gaps: {md(', '.join(c['gaps']))}"] if c["gaps"] else []
        lines += [f"- breaks: {md(g)}" for g in c["gates"]]
        lines += [f"- lead with: {md(b['bullet'])}" + ("" if b["quantified"] else " **(add a number)**")
                  for b in c["lead_with"]]
        lines.append("")
    kits = [t["pitch_notes"] for t in data.targets if t["pitch_notes"]][:MARKDOWN_KITS]
    if kits:
        lines += ["## Pitch kits for the first target companies", ""]
        for kit in kits:  # its headings one level under this section's
            lines += [f"##{line}" if line.startswith("#") else line
                      for line in kit_markdown(inert_strings(kit)).splitlines()] + [""]
    lines += ["## Target companies", "",
              "| # | company | score | best role | fit | open roles | hire types | change | why |",
              "|---|---|---|---|---|---|---|---|---|"]
    for t in data.targets[:SHOWN_TARGETS]:
        lines.append(f"| {t['rank']} | {md(t['company'])} | {t['score']:.1f} | {md(shown_title(t['best_title']))} | "
                     f"{t['best_fit']:.0f} | {t['open_roles']} | {md(t['hire_type_mix'])} | {t['change']} | "
                     f"{md(t['reason'])} |")
    for t in data.dropped:
        lines.append(f"| - | {md(t['company'])} | | | | {t['open_roles']} | | dropped | {md(t['reason'])} |")
    lines += ["", f"## Rising skills ({TREND_WEEKS} weeks to {data.trend_until - timedelta(days=1)} vs the "
                  f"{TREND_WEEKS} before)", ""]
    if data.rising:
        lines += ["| skill | trend | share before | share now | postings now |", "|---|---|---|---|---|"]
        lines += [f"| {md(r['skill'])} | {r['trend']} | {_percent(r['prior_share'])} | {_percent(r['recent_share'])} "
                  f"| {r['recent_postings']} |" for r in data.rising]
    else:
        lines.append(no_rise(data.trend_until))
    demand = data.demand
    if demand.periods:
        lines += ["", f"## Share of postings naming each top skill, {demand.why}", "",
                  "| skill | " + " | ".join(period_label(p, demand.grain) for p in demand.periods) + " |",
                  "|---|" + "---|" * len(demand.periods)]
        lines += [f"| {md(skill)} | " + " | ".join(_percent(v) for v in values) + " |"
                  for skill, values in demand.shares.items()]
    lines += ["", "## Skill-gap roadmap", ""]
    note = nothing_moved([r["postings_moved"] for r in data.roadmap])
    lines += [note, ""] if note else []
    lines += ["| # | skill | postings moved up a band | demand share | growth 13w | e.g. |",
              "|---|---|---|---|---|---|"]
    for r in data.roadmap:
        examples = "; ".join(f"{e['company']}: {shown_title(e['title'])} ({e['fit_before']:.0f} → {e['fit_after']:.0f})"
                             for e in r["examples"])
        lines.append(f"| {r['rank']} | {md(r['skill'])} | {r['postings_moved']} | {_percent(r['demand_share'])} | "
                     f"{_signed(r['growth_13w'])} | {md(examples)} |")
    lines += ["", "## Resume bullets without a number", ""]
    lines += [f"- {md(b)}" for b in data.unquantified] or ["Every bullet shows a number."]
    lines += ["", f"_Generated {data.generated_at:%Y-%m-%d %H:%M} UTC by marketfit from postings open on "
                  f"{data.as_of:%Y-%m-%d}._", ""]
    return "\n".join(lines)


def period_label(period: date, grain: str) -> str:
    return f"{period:%d %b}" if grain == "week" else f"{period:%b %Y}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}" if value >= 0.1 or value == 0 else f"{value:.1%}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.0%}"


def _empty_chart(message: str) -> Markup:
    return Markup('<p class="empty">{}</p>').format(message)


def no_rise(trend_until: date) -> str:
    return (f"No skill is new or up by half with at least {trends.DEFAULT_FLOOR} mentions in the {TREND_WEEKS} weeks "
            f"to {trend_until - timedelta(days=1)}.")


def rising_chart(rows: list[dict], empty: str) -> Markup:
    """Paired bars per rising skill: its share of postings in the earlier window (grey) and the recent one."""
    if not rows:
        return _empty_chart(empty)
    label_w, bar_w, row_h, top = 170, 420, 34, 30
    scale = max(max(r["recent_share"] or 0, r["prior_share"] or 0) for r in rows) or 1.0
    height = top + row_h * len(rows) + 10
    parts = [_legend([("previous", "#cbd5e1"), ("last", PALETTE[0])], f"{TREND_WEEKS} weeks", 0)]
    for i, r in enumerate(rows):
        y = top + i * row_h
        prior, recent = (r["prior_share"] or 0) / scale * bar_w, (r["recent_share"] or 0) / scale * bar_w
        label = "new" if r["trend"] == "new" else _signed(r["growth"])
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" class="label">{html.escape(r["skill"])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{prior:.1f}" height="10" rx="2" fill="#cbd5e1"/>'
            f'<rect x="{label_w}" y="{y + 15}" width="{max(recent, 1):.1f}" height="12" rx="2" fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + max(prior, recent) + 6:.1f}" y="{y + 25}" class="value">'
            f'{_percent(r["prior_share"])} → {_percent(r["recent_share"])} ({label})</text>')
    return _svg(label_w + bar_w + 150, height, "Rising skills: share of postings, earlier vs recent window", parts)


def share_chart(demand: trends.DemandSeries) -> Markup:
    """One line per skill: its share of the week's or month's postings (None: no postings in that period)."""
    if not demand.periods or not demand.shares:
        return _empty_chart("No dated posting read for skills before this week.")
    periods, shares = demand.periods, demand.shares
    left, top, plot_w, plot_h = 48, 34, 720, 240
    peak = max((v for values in shares.values() for v in values if v is not None), default=0.0) or 0.1
    ceiling = _nice_ceiling(peak)
    step = plot_w / max(1, len(periods) - 1)
    x_of = (lambda i: left + i * step) if len(periods) > 1 else (lambda i: left + plot_w / 2)
    parts = [_legend([(skill, PALETTE[i % len(PALETTE)]) for i, skill in enumerate(shares)], "", left)]
    for k in range(5):
        value = ceiling * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{_percent(value)}</text>')
    for i, period in enumerate(periods):
        parts.append(f'<text x="{x_of(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" class="axis">'
                     f'{period_label(period, demand.grain)}</text>')
    for n, (skill, values) in enumerate(shares.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [(x_of(i), top + plot_h - plot_h * v / ceiling, v) for i, v in enumerate(values) if v is not None]
        segment: list[str] = []
        for i, v in enumerate(values + [None]):   # a period with no postings at all breaks the line
            if v is not None:
                segment.append(f"{x_of(i):.1f},{top + plot_h - plot_h * v / ceiling:.1f}")
            elif segment:
                if len(segment) > 1:
                    parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                                 f'stroke-width="2.5"/>')
                segment = []
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{html.escape(skill)}: '
                  f'{_percent(v)}</title></circle>' for x, y, v in points]
    return _svg(left + plot_w + 40, top + plot_h + 30,
                f"Share of postings naming each top skill, by {demand.grain}", parts)


def roadmap_chart(roadmap: list[dict]) -> Markup:
    """A bar per missing skill: the postings it moves up a fit band, or (when none moves any) its share of
    demand, which then ranks the roadmap."""
    if not roadmap:
        return _empty_chart("No roadmap stored.")
    moved = any(r["postings_moved"] for r in roadmap)
    value_of = (lambda r: r["postings_moved"]) if moved else (lambda r: r["demand_share"] or 0.0)
    label_w, bar_w, row_h, top = 170, 420, 28, 30
    widest = max(value_of(r) for r in roadmap) or 1
    legend = "postings moved up a fit band" if moved else "share of postings asking for it"
    parts = [_legend([(legend, PALETTE[2])], "", 0)]
    for i, r in enumerate(roadmap):
        y = top + i * row_h
        width = value_of(r) / widest * bar_w
        shown = (f"{r['postings_moved']} moved · asked by {_percent(r['demand_share'])}" if moved
                 else f"asked by {_percent(r['demand_share'])}")
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="label">'
                     f'{html.escape(isolated(r["skill"]))}</text>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{max(width, 1):.1f}" height="18" rx="2" '
                     f'fill="{PALETTE[2]}"/>'
                     f'<text x="{label_w + max(width, 1) + 6:.1f}" y="{y + 15}" class="value">{shown}</text>')
    return _svg(label_w + bar_w + 200, top + row_h * len(roadmap) + 6, f"Skill-gap roadmap: {legend}", parts)


def mix_chart(targets: list[dict]) -> Markup:
    """Stacked bars: each top target's open roles by hire type."""
    if not targets:
        return _empty_chart("No target companies this week.")
    label_w, bar_w, row_h, top = 170, 420, 28, 30
    widest = max(t["open_roles"] for t in targets) or 1
    parts = [_legend(list(HIRE_COLOURS.items()), "", 0)]
    for i, t in enumerate(targets):
        y = top + i * row_h
        counts = {"bandwidth": t["bandwidth_roles"] or 0, "expertise": t["expertise_roles"] or 0}
        counts["unclassified"] = t["open_roles"] - counts["bandwidth"] - counts["expertise"]
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="label">'
                     f'{html.escape(isolated(t["company"]))}</text>')
        x = float(label_w)
        for kind, n in counts.items():
            if n <= 0:
                continue
            width = n / widest * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="18" fill="{HIRE_COLOURS[kind]}">'
                         f'<title>{n} {kind}</title></rect>')
            if width >= 18:
                parts.append(f'<text x="{x + width / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                             f'class="{"value" if kind == "unclassified" else "inbar"}">{n}</text>')
            x += width
    return _svg(label_w + bar_w + 20, top + row_h * len(targets) + 6, "Open roles by hire type", parts)


def _legend(entries: list[tuple[str, str]], suffix: str, x: float) -> str:
    parts = []
    for name, colour in entries:
        text = f"{name} {suffix}".strip()
        parts.append(f'<rect x="{x:.0f}" y="4" width="12" height="12" rx="2" fill="{colour}"/>'
                     f'<text x="{x + 17:.0f}" y="14" class="legend">{html.escape(text)}</text>')
        x += 30 + 7.2 * len(text)
    return "".join(parts)


def _svg(width: float, height: float, title: str, parts: list[str]) -> Markup:
    body = "".join(parts)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
                  f'width="{width:.0f}" role="img" aria-label="{html.escape(title)}" class="chart">'
                  f'<title>{html.escape(title)}</title>{body}</svg>')


def _nice_ceiling(value: float) -> float:
    for ceiling in (0.05, 0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.8, 1.0):
        if value <= ceiling:
            return ceiling
    return 1.0


def export_views(db: Path, out_dir: Path, fmt: str = "parquet") -> list[tuple[Path, bool]]:
    """Write each public view to ``out_dir/<view>.<fmt>`` with DuckDB COPY; returns each file written and
    whether it replaced an existing one.

    COPY TO writes files, which the locked-down reader (external access off) refuses, so this opens its own
    plain read-only connection: it can read and write files but cannot change the warehouse."""
    if fmt not in EXPORT_FORMATS:
        raise ReportError(f"--format must be {' or '.join(EXPORT_FORMATS)}, not {fmt!r}")
    db = Path(db)
    if not db.exists():
        raise FileNotFoundError(f"{db}: no warehouse here yet (run `marketfit scan` or `marketfit demo` first)")
    output_folder(out_dir)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.IOException as exc:
        raise ReportError(f"{db}: cannot open the warehouse ({exc}); is a scan writing to it?") from None
    try:
        present = {name for name, in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        written = []
        for view in (v for v in PUBLIC_VIEWS if v in present):
            target = out_dir / f"{view}.{fmt}"
            replaced = replace_file(target, lambda temporary: con.execute(
                f"COPY (SELECT * FROM {view}) TO '{str(temporary).replace(chr(39), chr(39) * 2)}' (FORMAT {fmt})"))
            written.append((target, replaced))
        return written
    finally:
        con.close()
