"""Every ATS the crawler knows, by name: each module of ``scrapers.ats`` defines one spider, which registers
itself; adding an ATS is adding a module."""

from __future__ import annotations

import importlib
import pkgutil

from scrapers import ats
from scrapers.ats.base import AtsSpider

for _module in pkgutil.iter_modules(ats.__path__):
    importlib.import_module(f"{ats.__name__}.{_module.name}")

SPIDERS: dict[str, type[AtsSpider]] = dict(AtsSpider.registry)
