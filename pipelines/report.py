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
from pipelines.output import output_folder, replace_file
from warehouse.db import reader

TEMPLATE = Path(__file__).with_name("report_template.html")
PUBLIC_VIEWS = ("postings_current", "scan_log", "fit_ranked", "fit_companies", "postings_history",
                "postings_deduped", "posting_staleness", "target_companies_weekly", "skill_demand_monthly",
                "skill_demand_weekly", "skill_growth", "skill_lift")
EXPORT_FORMATS = ("parquet", "csv")
TREND_WEEKS = 13
SHOWN_TARGETS = 20
SHOWN_TITLE_CHARS = 120
CHART_SKILLS = 5
MIX_COMPANIES = 8
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
    roadmap: list[dict]
    rising: list[dict]
    months: list[date]
    shares: dict[str, list[float | None]]
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link, else None (no javascript:, data: or relative links)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def gather(con: duckdb.DuckDBPyConnection, week: date, profile: str | None = None) -> ReportData:
    """Everything the report shows for one profile's week, read from the warehouse."""
    if profile is None:
        names = [n for n, in con.execute("SELECT profile FROM target_lists WHERE week = ? ORDER BY profile",
                                         [week]).fetchall()]
        if len(names) > 1:
            raise ReportError(f"several profiles have a target list for the week of {week} ({', '.join(names)}): "
                              f"pass --profile")
        profile = names[0] if names else None
    listed = con.execute("""SELECT as_of, person_pitch, pitch_reason, unquantified_bullets FROM target_lists
                            WHERE week = ? AND profile = ?""", [week, profile]).fetchone() if profile else None
    if listed is None:
        raise ReportError(f"no target list for the week of {week}: run `marketfit report --profile me.toml` "
                          f"(or `marketfit targets --profile me.toml --week {week}`)")
    as_of, pitch, pitch_reason, unquantified = listed
    cursor = con.execute("""
        SELECT t.rank, t.company, t.score, t.open_roles, t.best_fit, t.hire_type_mix, t.change, t.reason,
               t.pitch_notes, t.bandwidth_roles, t.expertise_roles, p.title AS best_title, p.url AS best_url
        FROM target_companies t LEFT JOIN postings p ON p.posting_id = t.best_posting_id
        WHERE t.week = ? AND t.profile = ? ORDER BY t.rank NULLS LAST, t.company""", [week, profile])
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    for row in rows:
        row["pitch_notes"] = json.loads(row["pitch_notes"]) if row["pitch_notes"] else None
        row["best_url"] = safe_url(row["best_url"])
    cursor = con.execute("""SELECT rank, skill, postings_moved, demand_share, growth_13w, return_score, examples
                            FROM skill_roadmaps WHERE profile = ? ORDER BY rank""", [profile])
    columns = [d[0] for d in cursor.description]
    roadmap = [dict(zip(columns, row)) | {"examples": json.loads(row[-1])} for row in cursor.fetchall()]
    until = week + timedelta(days=7)
    months, shares = trends.demand_chart(con, until, CHART_SKILLS)
    return ReportData(
        profile=profile, week=week, as_of=as_of, pitch=pitch, pitch_reason=pitch_reason,
        unquantified=json.loads(unquantified), targets=[r for r in rows if r["rank"] is not None],
        dropped=[r for r in rows if r["rank"] is None], roadmap=roadmap,
        rising=trends.emerging_skills(con, TREND_WEEKS, limit=10, until_week=until), months=months, shares=shares)


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
            "the skills are ranked by how many of those postings ask for them.")


def render_html(data: ReportData) -> str:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True)
    environment.filters["bdi"] = bdi
    environment.filters["shown_title"] = lambda text: bdi(shown_title(text))
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        data=data, shown=data.targets[:SHOWN_TARGETS],
        noted=[t for t in data.targets if t["pitch_notes"]],
        rising_chart=rising_chart(data.rising), share_chart=share_chart(data.months, data.shares),
        mix_chart=mix_chart(data.targets[:MIX_COMPANIES]), percent=_percent, signed=_signed,
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


def render_markdown(data: ReportData) -> str:
    md = markdown_text
    lines = [f"# Where {md(data.profile)} fits: week of {data.week}", "",
             f"Your pitch: **{data.pitch}**: {md(data.pitch_reason)}.", "", "## Target companies", "",
             "| # | company | score | best role | fit | open roles | hire types | change | why |",
             "|---|---|---|---|---|---|---|---|---|"]
    for t in data.targets[:SHOWN_TARGETS]:
        lines.append(f"| {t['rank']} | {md(t['company'])} | {t['score']:.1f} | {md(shown_title(t['best_title']))} | "
                     f"{t['best_fit']:.0f} | {t['open_roles']} | {md(t['hire_type_mix'])} | {t['change']} | "
                     f"{md(t['reason'])} |")
    for t in data.dropped:
        lines.append(f"| - | {md(t['company'])} | | | | {t['open_roles']} | | dropped | {md(t['reason'])} |")
    lines += ["", "## Pitch notes", ""]
    for t in (t for t in data.targets if t["pitch_notes"]):
        notes = t["pitch_notes"]
        lines += [f"### {t['rank']}. {md(t['company'])}: {md(shown_title(notes['title']))} (fit {notes['fit']:.0f})", "",
                  md(notes["advice"]), ""]
        lines += [f"- Lead with: {md(b['bullet'])}" + ("" if b["quantified"] else " **(add a number)**")
                  + f" (answers: {md(b['answers'])})" for b in notes["lead_with"]] \
            or ["No resume bullet matched this posting's requirements closely."]
        lines.append("")
    lines += [f"## Rising skills (last {TREND_WEEKS} weeks vs the {TREND_WEEKS} before)", "",
              "| skill | trend | share before | share now | postings now |", "|---|---|---|---|---|"]
    lines += [f"| {md(r['skill'])} | {r['trend']} | {_percent(r['prior_share'])} | {_percent(r['recent_share'])} | "
              f"{r['recent_postings']} |" for r in data.rising]
    if data.months:
        lines += ["", "## Share of postings by month", "",
                  "| skill | " + " | ".join(m.strftime("%Y-%m") for m in data.months) + " |",
                  "|---|" + "---|" * len(data.months)]
        lines += [f"| {md(skill)} | " + " | ".join(_percent(v) for v in values) + " |"
                  for skill, values in data.shares.items()]
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


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}" if value >= 0.1 or value == 0 else f"{value:.1%}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.0%}"


def _empty_chart(message: str) -> Markup:
    return Markup('<p class="empty">{}</p>').format(message)


def rising_chart(rows: list[dict]) -> Markup:
    """Paired bars per rising skill: its share of postings in the earlier window (grey) and the recent one."""
    if not rows:
        return _empty_chart("No skill has risen above the floor in this window yet.")
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


def share_chart(months: list[date], shares: dict[str, list[float | None]]) -> Markup:
    """One line per skill: its share of the month's postings (None: no postings that month)."""
    if not months or not shares:
        return _empty_chart("No dated posting read for skills before this week.")
    left, top, plot_w, plot_h = 48, 34, 720, 240
    peak = max((v for values in shares.values() for v in values if v is not None), default=0.0) or 0.1
    ceiling = _nice_ceiling(peak)
    step = plot_w / max(1, len(months) - 1)
    x_of = (lambda i: left + i * step) if len(months) > 1 else (lambda i: left + plot_w / 2)
    parts = [_legend([(skill, PALETTE[i % len(PALETTE)]) for i, skill in enumerate(shares)], "", left)]
    for k in range(5):
        value = ceiling * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{_percent(value)}</text>')
    for i, month in enumerate(months):
        parts.append(f'<text x="{x_of(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" class="axis">'
                     f'{month:%b %Y}</text>')
    for n, (skill, values) in enumerate(shares.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [(x_of(i), top + plot_h - plot_h * v / ceiling, v) for i, v in enumerate(values) if v is not None]
        segment: list[str] = []
        for i, v in enumerate(values + [None]):   # a month with no postings at all breaks the line
            if v is not None:
                segment.append(f"{x_of(i):.1f},{top + plot_h - plot_h * v / ceiling:.1f}")
            elif segment:
                if len(segment) > 1:
                    parts.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                                 f'stroke-width="2.5"/>')
                segment = []
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{html.escape(skill)}: '
                  f'{_percent(v)}</title></circle>' for x, y, v in points]
    return _svg(left + plot_w + 40, top + plot_h + 30, "Share of postings naming each top skill, by month", parts)


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
