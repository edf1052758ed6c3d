"""`marketfit scan` over one board of every kind (7 ATS APIs, JSON-LD, Workday, BambooHR, Hacker News), each
served on loopback from its recorded responses: every source loads and is logged ok."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from scrapers.registry import SPIDERS
from scrapers.replay import ReplayServer
from tests.helpers import FIXTURES, marketfit
from warehouse.db import reader

RECORDED = FIXTURES / "ats"


def _mirror(root: Path) -> None:
    """The recorded responses laid out under the paths each spider asks for."""
    shutil.copytree(RECORDED, root)
    # SmartRecruiters: the list at .../postings (a folder's index, so the detail can sit at .../postings/{id})
    detail = json.loads((RECORDED / "smartrecruiters" / "hirevue_detail.json").read_text(encoding="utf-8"))
    postings = root / "sr" / "hirevue" / "postings"
    postings.mkdir(parents=True)
    (postings / "index.html").write_text(json.dumps({"offset": 0, "limit": 100, "totalFound": 1, "content": [
        {"id": detail["id"], "name": detail["name"]}]}), encoding="utf-8")
    shutil.copy(RECORDED / "smartrecruiters" / "hirevue_detail.json", postings / detail["id"])
    # Workday: the CXS list page by offset, each posting's detail at its externalPath
    api = root / "wday" / "cxs" / "brightwater" / "Careers"
    (api / "jobs").mkdir(parents=True)
    shutil.copy(RECORDED / "workday" / "brightwater_jobs.json", api / "jobs" / "0.json")
    listing = json.loads((RECORDED / "workday" / "brightwater_jobs.json").read_text(encoding="utf-8"))
    for item, name in zip(listing["jobPostings"], ("grid-reliability-engineer", "water-quality-analyst",
                                                    "field-operations-apprentice")):
        (api / item["externalPath"].lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RECORDED / "workday" / f"brightwater_detail_{name}.json", api / item["externalPath"].lstrip("/"))
    # BambooHR: /careers/list and /careers/{id}/detail
    careers = root / "fernwood" / "careers"
    careers.mkdir(parents=True)
    shutil.copy(RECORDED / "bamboohr" / "fernwood_list.json", careers / "list")
    for posting_id in ("48", "53", "57"):
        (careers / posting_id).mkdir()
        shutil.copy(RECORDED / "bamboohr" / f"fernwood_detail_{posting_id}.json", careers / posting_id / "detail")


def test_scan_loads_one_board_of_every_kind(tmp_path):
    _mirror(tmp_path / "site")
    db = tmp_path / "warehouse.duckdb"
    with ReplayServer(tmp_path / "site") as server:
        base = server.base_url
        boards = [("Anthropic", "greenhouse", "anthropic", f"{base}/greenhouse/anthropic_jobs.json"),
                  ("Spotify", "lever", "spotify", f"{base}/lever/spotify_postings.json"),
                  ("Ramp", "ashby", "ramp", f"{base}/ashby/ramp_jobs.json"),
                  ("CrewAI", "workable", "crewai", f"{base}/workable/crewai_account.json"),
                  ("HireVue", "smartrecruiters", "hirevue", f"{base}/sr/hirevue/postings?limit=100"),
                  ("Lindqvist Bikes", "recruitee", "lindqvistbikes", f"{base}/recruitee/lindqvistbikes_offers.json"),
                  ("Kranich Logistik", "personio", "kranich-logistik", f"{base}/personio/kranich-logistik.xml"),
                  ("Fernhill", "jsonld", "127.0.0.1", f"{base}/jsonld/single.html"),
                  ("Brightwater", "workday", "brightwater/Careers", base),
                  ("Fernwood", "bamboohr", "fernwood", f"{base}/fernwood/careers/list"),
                  ("Hacker News", "hn", "whoishiring", f"{base}/hn/v0/item/41000001.json")]
        assert {ats for _, ats, _, _ in boards} == set(SPIDERS)
        sources = tmp_path / "sources.toml"
        sources.write_text('allow_hosts = ["127.0.0.1"]\n' + "".join(
            f'[[source]]\ncompany = "{c}"\nats = "{a}"\nboard = "{b}"\nurl = "{u}"\n' for c, a, b, u in boards))
        marketfit("scan", "--sources", str(sources), "--db", str(db))
    with reader(db) as con:
        log = dict(con.execute("SELECT ats, status FROM scan_log").fetchall())
        loaded = dict(con.execute("SELECT ats, count(*) FROM postings_current GROUP BY ats").fetchall())
    assert log == {ats: "ok" for ats in SPIDERS}
    assert loaded == {"greenhouse": 4, "lever": 4, "ashby": 4, "workable": 4, "smartrecruiters": 1, "recruitee": 3,
                      "personio": 3, "jsonld": 1, "workday": 3, "bamboohr": 3, "hn": 3}
