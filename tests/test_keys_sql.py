"""The warehouse's title_key and company_key macros give the keys scrapers.normalise.identity gives."""

from __future__ import annotations

import json

import duckdb
import pytest

from scrapers.normalise import company_key, title_key
from tests.helpers import REPO
from warehouse.db import migrate

GOLDEN = REPO / "tests" / "golden"
TITLES = ["Backend Engineer (m/w/d) – Routing & Dispatch", "Buchhalter:in", "Entwickler:innen", "C++ Engineer",
          "C# / .NET Developer", "Straßenbauer (M/W/D)", "Senior Engineer ( m / f / d )", "Data Engineer (all genders)",
          "Werkstudent (gn) Marketing", "Ingénieur·e logiciel", "ＴＯＫＹＯ Engineer", "東京 エンジニア",
          "  Staff   Engineer\u00a0II ", "dev_ops lead", ""]
COMPANIES = ["Ramp Inc.", "Foo Co., Ltd.", "AB InBev", "Großhandel GmbH", "Acme\u00a0Inc", "Siemens AG",
             "Example B.V.", "Nordic Oy", "S.A. Foo sa", "Müller & Söhne KG", ""]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = duckdb.connect(str(tmp_path_factory.mktemp("warehouse") / "keys.duckdb"))
    migrate(connection)
    yield connection
    connection.close()


def recorded(field: str) -> list[str]:
    return sorted({str(p[field]) for path in GOLDEN.glob("*.json") for p in json.loads(path.read_text(encoding="utf-8"))
                   if p.get(field)})


def test_title_key_in_sql_is_the_python_rule(con):
    titles = TITLES + recorded("title")
    assert len(titles) > 50  # the recorded postings of every ATS as well
    in_sql = [key for key, in con.execute("SELECT title_key(t) FROM unnest(?) WITH ORDINALITY AS u(t, i) ORDER BY i",
                                          [titles]).fetchall()]
    assert in_sql == [title_key(t) for t in titles]


def test_company_key_in_sql_is_the_python_rule(con):
    companies = COMPANIES + recorded("company") + recorded("board")
    in_sql = [key for key, in con.execute("SELECT company_key(c) FROM unnest(?) WITH ORDINALITY AS u(c, i) ORDER BY i",
                                          [companies]).fetchall()]
    assert in_sql == [company_key(c) for c in companies]
