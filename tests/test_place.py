"""Place and remote compatibility (models.place): where a person can work against where a posting is."""

from __future__ import annotations

import pytest

from models.place import person_places, place_fit
from models.profile import Preferences, load_profile

PEOPLE = {
    "us_remote": Preferences(locations=("United States",), remote="remote-only"),
    "poland": Preferences(locations=("Poland", "Europe"), remote="remote-only"),
    "europe": Preferences(locations=("Europe",), remote="remote-or-hybrid"),
    "nyc": Preferences(locations=("New York, NY", "United States"), remote="remote-or-hybrid"),
    "sf": Preferences(locations=("San Francisco, CA",), remote="any"),
    "london": Preferences(locations=("London", "United Kingdom", "Europe"), remote="remote-or-hybrid"),
    "toronto": Preferences(locations=("Toronto, ON", "Canada"), remote="remote-or-hybrid"),
    "bengaluru": Preferences(locations=("Bengaluru",), remote="remote-only"),
    "bengaluru_any": Preferences(locations=("Bengaluru, India",), remote="any"),
    "boston": Preferences(locations=("Boston, MA", "United States"), remote="any"),
    "boston_relocate": Preferences(locations=("Boston, MA", "United States"), remote="any", relocate=True),
    "nowhere": Preferences(remote="remote-only"),
}


def posting(location: str | None = None, title: str = "Software Engineer", remote: str | None = None,
            description: str | None = None) -> dict:
    """A normalised posting's place fields (scrapers.normalise): a Hacker News post has no location."""
    return {"title": title, "location": location, "remote": remote, "description": description}


HN = "Acme | Senior PM | Remote (US) or NYC hybrid | $180k"
BANGALORE = "Jurisphere.ai | Founding Head of Product | Bangalore, India | Hybrid | Full-time"

TABLE = [
    # remote restricted to a country, a state or a province
    ("us_remote", posting("US Fully Remote", remote="remote"), "ok"),
    ("us_remote", posting("REMOTE (US)", remote="remote"), "ok"),
    ("us_remote", posting("REMOTE (US or Canada)", remote="remote"), "ok"),
    ("us_remote", posting("Remote - U.S."), "ok"),
    ("poland", posting("REMOTE (US or Canada)", remote="remote"), "broken"),
    ("poland", posting("Remote (US only)", remote="remote"), "broken"),
    ("poland", posting("Remote - Canada", remote="remote"), "broken"),
    ("poland", posting("Remote - Brazil", remote="remote"), "broken"),
    ("us_remote", posting("Texas Remote", remote="remote"), "ok"),
    ("us_remote", posting("Remote - Ontario", remote="remote"), "broken"),
    ("toronto", posting("Remote in Canada", remote="remote"), "ok"),
    ("toronto", posting("US Fully Remote", remote="remote"), "broken"),
    ("us_remote", posting("Remote (US East/Central)", remote="remote"), "ok"),
    ("london", posting("Remote (US East/Central)", remote="remote"), "broken"),
    # a city with no word of remote work is an office there: it breaks remote-only, even at home
    ("poland", posting("Warsaw, Poland"), "broken"),
    ("poland", posting("Warsaw, Poland", remote="remote"), "ok"),
    ("nyc", posting("New York, NY"), "ok"),
    ("nyc", posting("Atlanta, Georgia, United States"), "broken"),
    # remote restricted to a region, or not at all
    ("europe", posting("REMOTE (EU-friendly)", remote="remote"), "ok"),
    ("us_remote", posting("REMOTE (EU-friendly)", remote="remote"), "broken"),
    ("poland", posting("Remote", remote="remote"), "ok"),
    ("poland", posting("Remote - Anywhere", remote="remote"), "ok"),
    ("poland", posting("Worldwide"), "ok"),
    ("poland", posting("Remote - EMEA", remote="remote"), "ok"),
    ("us_remote", posting("Remote - EMEA", remote="remote"), "broken"),
    ("us_remote", posting("Remote (LATAM)", remote="remote"), "broken"),
    ("toronto", posting("Remote (North America)", remote="remote"), "ok"),
    ("europe", posting("Remote (Germany)", remote="remote"), "ok"),       # "Europe" alone: anywhere in it
    # time zones
    ("poland", posting("Remote EST / CET", remote="remote"), "ok"),
    ("us_remote", posting("Remote EST / CET", remote="remote"), "ok"),
    ("bengaluru", posting("Remote EST / CET", remote="remote"), "broken"),
    ("us_remote", posting("US time zones"), "ok"),
    ("poland", posting("Remote, US time zones", remote="remote"), "broken"),
    ("poland", posting("Remote (GMT ±3)", remote="remote"), "ok"),
    ("bengaluru", posting("Remote (GMT ±3)", remote="remote"), "broken"),
    ("poland", posting("Remote, UTC-5 to UTC+1", remote="remote"), "ok"),
    ("bengaluru", posting("Remote, UTC-5 to UTC+1", remote="remote"), "broken"),
    ("sf", posting("Remote, overlap with PST", remote="remote"), "ok"),
    ("poland", posting("Remote, overlap with PST", remote="remote"), "broken"),
    # the description restricts a remote role
    ("poland", posting("Remote", remote="remote", description="This role is remote within the US."), "broken"),
    ("us_remote", posting("Remote", remote="remote", description="This role is remote within the US."), "ok"),
    ("us_remote", posting("Remote", remote="remote", description="Candidates must be based in Canada."), "broken"),
    ("poland", posting("Remote", remote="remote", description="We can only hire in Poland and Germany."), "ok"),
    ("poland", posting("Remote", remote="remote", description="Remote, US only. Pay: $150k."), "broken"),
    ("poland", posting("Remote", remote="remote", description="Open to US citizens only."), "broken"),
    ("poland", posting("Remote", remote="remote", description="Please overlap with US Eastern time zones."), "broken"),
    ("us_remote", posting("Remote (US)", remote="remote", description="Must be based in Canada."), "ok"),
    # on-site and hybrid: within 80 km of the person's city
    ("nyc", posting("Jersey City, NJ"), "ok"),
    ("nyc", posting("Boston, MA"), "broken"),
    ("sf", posting("Oakland, CA"), "ok"),
    ("nyc", posting("Greater Boston Area"), "broken"),
    ("sf", posting("Bay Area"), "ok"),
    ("sf", posting("HYBRID (USA, SF Bay Area preferred)"), "ok"),
    ("nyc", posting("NYC"), "ok"),
    ("nyc", posting("Tri-State"), "ok"),
    ("london", posting("Greater London"), "ok"),
    ("sf", posting("Berlin, Germany"), "broken"),
    ("nyc", posting("Smallville, United States"), "unknown"),   # no coordinates, the person's country
    ("boston", posting("Cambridge"), "unknown"),                # Massachusetts or England
    ("boston", posting("Cambridge, MA"), "ok"),
    ("london", posting("Manchester, UK"), "broken"),            # her country, but 260 km away
    ("nyc", posting("Philadelphia"), "broken"),                 # every Philadelphia is far from New York
    ("sf", posting("San Jose"), "unknown"),                     # California or Costa Rica
    ("boston", posting("Austin TX"), "broken"),
    ("nyc", posting("Smallville, Germany"), "broken"),
    ("europe", posting("Amsterdam, Netherlands"), "ok"),        # a region named alone: on-site anywhere in it
    ("europe", posting("Berlin, Germany", remote="hybrid"), "ok"),
    ("london", posting("Berlin, Germany", remote="hybrid"), "broken"),  # "Europe" beside London: where she lives
    # relocation
    ("boston_relocate", posting("Austin, TX", remote="hybrid"), "ok"),
    ("boston", posting("Austin, TX", remote="hybrid"), "broken"),
    ("boston_relocate", posting("Berlin, Germany", remote="hybrid"), "broken"),
    ("boston", posting("Austin, TX", remote="onsite", description="We offer relocation assistance."), "broken"),
    # work mode against the remote preference
    ("nyc", posting("New York, NY", remote="onsite"), "broken"),
    ("nyc", posting("New York, NY (Hybrid)"), "ok"),
    ("us_remote", posting("New York, NY (Hybrid)"), "broken"),
    ("sf", posting("San Francisco, CA - Onsite"), "ok"),
    ("nowhere", posting("New York, NY", remote="onsite"), "broken"),
    ("nowhere", posting("Remote (US only)", remote="remote"), "unknown"),
    # several options: any one that works
    ("poland", posting("Remote (EU) or Hybrid (Cork, Ireland)"), "ok"),
    ("nyc", posting("Remote (EU) or Hybrid (Cork, Ireland)"), "broken"),
    ("nyc", posting("SF or NYC or Remote (US)"), "ok"),
    ("london", posting("SF or NYC or Remote (US)"), "broken"),
    ("nyc", posting("US-Remote; US-Chicago; US-Atlanta; CA-Toronto"), "ok"),
    ("toronto", posting("US-Remote; US-Chicago; US-Atlanta; CA-Toronto"), "ok"),  # Toronto, mode not stated: neutral
    ("nyc", posting("Smallville, United States; New York, NY"), "ok"),            # ok wins over unknown
    ("poland", posting("Multiple Locations; Remote (EU)"), "ok"),  # Toronto, mode unstated
    ("poland", posting("Chile | Remote"), "broken"),
    # Hacker News headers
    ("nyc", posting(title=HN), "ok"),
    ("poland", posting(title=HN), "broken"),
    ("nyc", posting(title=BANGALORE), "broken"),
    ("bengaluru", posting(title=BANGALORE), "broken"),
    ("bengaluru_any", posting(title="Jurisphere.ai | Founding Head of Product | Bangalore, India | Hybrid"), "ok"),
    ("nyc", posting(title="EnsoData | Hybrid or Remote (Madison, WI) | Product Manager | $110k-$130k"), "ok"),
    ("poland", posting(title="EnsoData | Hybrid or Remote (Madison, WI) | Product Manager | $110k-$130k"), "broken"),
    ("london", posting(title="Burnin (London or NYC) | Founding Engineer | Hybrid"), "ok"),
    ("sf", posting(title="Acme | Senior Engineer, Distributed Systems | NYC"), "broken"),  # a field, not a mode
    ("poland", posting("Remote - AI/ML team"), "ok"),                                  # not Anguilla or Mali
    # nothing readable is neutral
    ("nyc", posting(), "unknown"),
    ("nyc", posting("Multiple Locations"), "unknown"),
    ("nyc", posting(title="Acme | Senior PM | Full-time | $180k"), "unknown"),
    ("poland", posting("Hybrid"), "broken"),      # the mode alone decides for a remote-only person
    ("nyc", posting("Hybrid"), "unknown"),
]


@pytest.fixture(scope="module")
def people():
    return {name: person_places(preferences) for name, preferences in PEOPLE.items()}


@pytest.mark.parametrize("who, job, expected", TABLE, ids=[f"{w}:{j['location'] or j['title']}" for w, j, _ in TABLE])
def test_place_table(people, who, job, expected):
    verdict = place_fit(people[who], job)
    assert verdict.status == expected, verdict.reason


@pytest.mark.parametrize("who, job, reason", [
    ("us_remote", posting("Remote (US only)", remote="remote"),
     "remote, the United States only; you work from the United States"),
    ("poland", posting("Remote (US only)", remote="remote"), "remote, the United States only; you work from Poland"),
    ("nyc", posting("Berlin, Germany", remote="onsite"), "on-site in Berlin, Germany; you want remote or hybrid"),
    ("sf", posting("Berlin, Germany", remote="onsite"),
     "on-site in Berlin, Germany; you work in or near San Francisco"),
    ("nyc", posting("Jersey City, NJ", remote="hybrid"), "hybrid in Jersey City, the United States; "
                                                        "you work in or near New York City"),
    ("boston_relocate", posting("Austin, TX", remote="hybrid"),
     "hybrid in Austin, the United States; you work in or near Boston or anywhere in the United States (relocating)"),
    ("poland", posting("Remote", remote="remote"), "remote, no place restriction"),
    ("poland", posting("Remote (GMT ±3)", remote="remote"), "remote, UTC-3 to UTC+3 only; you work from Poland"),
    ("nyc", posting(), "no place or work mode stated"),
])
def test_reason_wording(people, who, job, reason):
    assert place_fit(people[who], job).reason == reason


@pytest.mark.parametrize("text, relocation, sponsorship", [
    ("We offer relocation assistance and visa sponsorship.", True, True),
    ("Relocation support is available. We are unable to offer visa sponsorship.", True, False),
    ("No relocation. We sponsor visas for the right candidate.", False, True),
    ("You must be authorized to work in the US without sponsorship.", False, False),
    ("A great team in Berlin.", False, False),
    ("We don’t sponsor visas at the moment.", False, False),
    ("Acme | Engineer | Berlin | Visa | Relocation\nWe build tools.", True, True),
])
def test_relocation_and_sponsorship_are_reported(people, text, relocation, sponsorship):
    verdict = place_fit(people["nyc"], posting("Berlin, Germany", remote="onsite", description=text))
    assert (verdict.relocation, verdict.sponsorship) == (relocation, sponsorship)
    assert verdict.status == "broken"  # offered help to move does not move a person who did not ask to


def test_hacker_news_visa_field_is_sponsorship(people):
    verdict = place_fit(people["nyc"], posting(title="Acme | Backend Engineer | NYC (onsite) | VISA"))
    assert verdict.sponsorship and not verdict.relocation


def test_the_same_posting_gets_the_same_verdict(people):
    job = posting(title=HN, description="Remote within the US.")
    assert place_fit(people["poland"], job) == place_fit(people["poland"], dict(job))


def test_relocate_is_read_from_the_profile(tmp_path):
    (tmp_path / "resume.md").write_text("# Sam\nEngineer\n\n## Experience\n- Built a payments ledger in Go\n")
    (tmp_path / "p.toml").write_text('[profile]\nresume = "resume.md"\n[preferences]\nlocations = ["Boston, MA"]\n'
                                     'relocate = true\n')
    assert load_profile(tmp_path / "p.toml").preferences.relocate is True
