"""Personio XML feed: {board}.jobs.personio.de/xml (<workzag-jobs><position>...)."""

from __future__ import annotations

import html
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from scrapers.ats.base import AtsSpider, tenant_of
from scrapers.items import new_posting


def board_url(board: str) -> str:
    return f"https://{board}.jobs.personio.de/xml"


def decode(text: str) -> Element:
    try:
        return ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:  # a SyntaxError: the spider expects ValueError
        raise ValueError(f"not XML: {exc}") from None


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    return (element.text or "").strip() or None


def _position(element: Element) -> dict:
    """One <position> as a JSON-able dict (the posting's ``raw``): text for a leaf,
    a list for <additionalOffices> and the like, [{name, value}] for <jobDescriptions>."""
    job: dict = {}
    for child in element:
        if child.tag == "jobDescriptions":
            job[child.tag] = [{"name": _text(d.find("name")), "value": _text(d.find("value"))} for d in child]
        elif len(child):
            job[child.tag] = [_text(c) for c in child]
        else:
            job[child.tag] = _text(child)
    return job


def jobs(payload: Element) -> list[dict]:
    if payload.tag != "workzag-jobs":
        raise ValueError(f"Personio feed root is <{payload.tag}>, not <workzag-jobs>")
    return [_position(position) for position in payload.iter("position")]


def _description_html(job: dict) -> str | None:
    parts = []
    for section in job.get("jobDescriptions") or []:
        if section.get("name"):
            parts.append(f"<h3>{html.escape(section['name'])}</h3>")
        if section.get("value"):
            parts.append(section["value"])
    return "\n".join(parts) or None


def parse_job(job: dict, *, company: str, board: str) -> dict:
    offices = [job.get("office"), *(job.get("additionalOffices") or [])]
    kinds = [job.get("employmentType"), job.get("schedule")]
    return new_posting(
        ats="personio",
        board=board,
        native_id=str(job["id"]),
        company=company,
        title=job["name"],
        location="; ".join(dict.fromkeys(o for o in offices if o)) or None,
        url=f"https://{board}.jobs.personio.de/job/{job['id']}",
        posted_at=job.get("createdAt"),
        department=job.get("department"),
        team=job.get("recruitingCategory"),
        employment_type=", ".join(k for k in kinds if k) or None,
        description_html=_description_html(job),
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    if board := tenant_of(host, "jobs.personio.de"):
        return {"board": board}
    if board := tenant_of(host, "jobs.personio.com"):  # not the default .de host
        return {"board": board, "url": f"https://{board}.jobs.personio.com/xml"}
    return None


class PersonioSpider(AtsSpider):
    name = "personio"
    ats = "personio"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    decode = staticmethod(decode)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
