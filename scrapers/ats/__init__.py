"""One module per ATS; SPIDERS maps an ATS name to its spider class."""

from scrapers.ats import (ashby, bamboohr, greenhouse, hn, jsonld, lever, personio, recruitee, smartrecruiters,
                          workable, workday)
from scrapers.ats.base import AtsSpider

SPIDERS: dict[str, type[AtsSpider]] = {
    cls.ats: cls
    for cls in (
        greenhouse.GreenhouseSpider,
        lever.LeverSpider,
        ashby.AshbySpider,
        workable.WorkableSpider,
        smartrecruiters.SmartRecruitersSpider,
        recruitee.RecruiteeSpider,
        personio.PersonioSpider,
        jsonld.JsonLdSpider,  # schema.org JobPosting pages and sitemaps (any host)
        workday.WorkdaySpider,
        bamboohr.BambooHrSpider,
        hn.HackerNewsSpider,  # Hacker News "Who is hiring?" threads
    )
}
