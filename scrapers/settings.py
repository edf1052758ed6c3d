"""Polite, safe crawl defaults shared by every spider."""

SETTINGS = {
    "BOT_NAME": "marketfit",
    "USER_AGENT": "marketfit/0.1 (job-market research; local-first)",
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.5,
    "AUTOTHROTTLE_MAX_DELAY": 30,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 32 * 1024 * 1024,
    "REDIRECT_MAX_TIMES": 5,
    "RETRY_TIMES": 2,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
    "ITEM_PIPELINES": {"scrapers.pipelines.NormalisePipeline": 100, "scrapers.pipelines.FeedWriterPipeline": 900},
    "LOG_LEVEL": "WARNING",
}
