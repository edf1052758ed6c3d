"""detect_source: careers / board / API URL → {"company", "ats", "board"} (+ "url" for non-default API hosts)."""

from __future__ import annotations

import pytest

from scrapers.registry import SPIDERS
from scrapers.detect import detect_source


@pytest.mark.parametrize("url, ats, board", [
    # Greenhouse: hosted boards (US and EU), a job page, the embed script, the API
    ("https://boards.greenhouse.io/anthropic", "greenhouse", "anthropic"),
    ("https://job-boards.greenhouse.io/gongio/jobs/4679941006", "greenhouse", "gongio"),
    ("https://job-boards.eu.greenhouse.io/bitpanda/jobs/4911539101", "greenhouse", "bitpanda"),
    ("https://boards.eu.greenhouse.io/bitpanda", "greenhouse", "bitpanda"),
    ("https://boards.greenhouse.io/embed/job_board?for=stripe&b=https%3A%2F%2Fstripe.com", "greenhouse", "stripe"),
    ("https://boards.greenhouse.io/embed/job_app?for=figma&token=5012345", "greenhouse", "figma"),
    ("https://boards-api.greenhouse.io/v1/boards/anthropic/jobs?content=true", "greenhouse", "anthropic"),
    # Lever
    ("https://jobs.lever.co/spotify", "lever", "spotify"),
    ("https://jobs.lever.co/outreach/a60fb104-ce93-4ba0-8763-ffb075b3eed1/apply", "lever", "outreach"),
    ("https://api.lever.co/v0/postings/palantir?mode=json", "lever", "palantir"),
    # Ashby
    ("https://jobs.ashbyhq.com/ramp", "ashby", "ramp"),
    ("https://jobs.ashbyhq.com/wealth-com/c46c1464-d1e3-4fb7-9ace-7f1b9b65774c/application", "ashby", "wealth-com"),
    ("https://api.ashbyhq.com/posting-api/job-board/ramp?includeCompensation=true", "ashby", "ramp"),
    # Workable
    ("https://apply.workable.com/huggingface/", "workable", "huggingface"),
    ("https://apply.workable.com/mondu/j/F7244872F3/", "workable", "mondu"),
    ("https://apply.workable.com/api/v1/widget/accounts/crewai?details=true", "workable", "crewai"),
    ("https://eqltech.workable.com/", "workable", "eqltech"),
    # SmartRecruiters
    ("https://jobs.smartrecruiters.com/Equinox/744000144842504", "smartrecruiters", "Equinox"),
    ("https://careers.smartrecruiters.com/BoschGroup", "smartrecruiters", "BoschGroup"),
    ("https://api.smartrecruiters.com/v1/companies/hirevue/postings?limit=100", "smartrecruiters", "hirevue"),
    ("https://jobs.smartrecruiters.com/oneclick-ui/company/Visa/publication/3c1e", "smartrecruiters", "Visa"),
    # Recruitee
    ("https://trustedshops.recruitee.com/o/fullstack-engineer-typescript-aws-react-mfd", "recruitee", "trustedshops"),
    ("https://helloprint.recruitee.com/api/offers/", "recruitee", "helloprint"),
    # Personio
    ("https://ottonova.jobs.personio.de/job/2747443", "personio", "ottonova"),
    ("https://clark.jobs.personio.de/xml", "personio", "clark"),
    # BambooHR
    ("https://flyio.bamboohr.com/careers", "bamboohr", "flyio"),
    ("https://flyio.bamboohr.com/careers/143", "bamboohr", "flyio"),
    ("https://bitcoin.bamboohr.com/careers/list", "bamboohr", "bitcoin"),
    # no scheme, upper-case host, www.
    ("boards.greenhouse.io/stripe", "greenhouse", "stripe"),
    ("HTTPS://JOBS.LEVER.CO/zoox", "lever", "zoox"),
])
def test_detects_board(url, ats, board):
    source = detect_source(url)
    assert source is not None and (source["ats"], source["board"]) == (ats, board)
    assert source["ats"] in SPIDERS
    assert "url" not in source  # the default API host serves these


@pytest.mark.parametrize("url, board, api", [
    ("https://jobs.eu.lever.co/mobileye", "mobileye", "https://api.eu.lever.co/v0/postings/mobileye?mode=json"),
    ("https://jobs.eu.lever.co/mobileye/0b1c2d3e/apply", "mobileye",
     "https://api.eu.lever.co/v0/postings/mobileye?mode=json"),
    ("https://api.eu.lever.co/v0/postings/mobileye?mode=json", "mobileye",
     "https://api.eu.lever.co/v0/postings/mobileye?mode=json"),
    ("https://acme-gmbh.jobs.personio.com/", "acme-gmbh", "https://acme-gmbh.jobs.personio.com/xml"),
    # Workday: the careers site, with or without a locale segment, a job page, the CXS API
    ("https://acme.wd5.myworkdayjobs.com/en-US/External", "acme/External", "https://acme.wd5.myworkdayjobs.com"),
    ("https://salesforce.wd12.myworkdayjobs.com/External_Career_Site", "salesforce/External_Career_Site",
     "https://salesforce.wd12.myworkdayjobs.com"),
    ("https://intel.wd1.myworkdayjobs.com/fr-FR/External/job/Santa-Clara/Engineer_JR0271234", "intel/External",
     "https://intel.wd1.myworkdayjobs.com"),
    ("https://nvidia.wd5.myworkdayjobs.com/wday/cxs/nvidia/NVIDIAExternalCareerSite/jobs",
     "nvidia/NVIDIAExternalCareerSite", "https://nvidia.wd5.myworkdayjobs.com"),
])
def test_non_default_api_host_comes_back_as_url(url, board, api):
    source = detect_source(url)
    assert source["board"] == board and source["url"] == api


@pytest.mark.parametrize("board, company", [
    ("anthropic", "Anthropic"),
    ("wealth-com", "Wealth Com"),
    ("i-tech-people", "I Tech People"),
    ("DeliveryHero", "Delivery Hero"),
    ("the_wonderful_company", "The Wonderful Company"),
])
def test_company_is_a_title_cased_guess(board, company):
    assert detect_source(f"https://jobs.lever.co/{board}")["company"] == company


@pytest.mark.parametrize("url", [
    "https://stripe.com/jobs/search?gh_jid=8141211",            # a company site, not a board
    "https://www.example.com/careers",
    "https://boards.greenhouse.io/",                            # no board named
    "https://boards.greenhouse.io/embed/job_board",             # embed without ?for=
    "https://apply.workable.com/j/3862836931",                  # a job shortcode names no account
    "https://jobs.workable.com/search?query=python",            # Workable's job search, not a tenant
    "https://www.recruitee.com/",
    "https://api.lever.co/v1/opportunities",                    # the authenticated API, no board
    "https://acme.wd5.myworkdayjobs.com/en-US/",                # a Workday host, no site named
    "not a url",
    "",
])
def test_non_board_urls_give_none(url):
    assert detect_source(url) is None
