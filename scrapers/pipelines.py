"""Item pipelines: normalise (rejects counted, not thrown) then write the feed."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy.exceptions import DropItem

from scrapers.normalise import RejectedPosting, normalise


class NormalisePipeline:
    def process_item(self, item: dict, spider):
        try:
            return normalise(item)
        except RejectedPosting as exc:
            spider.reject(item.get("raw"), str(exc))
            raise DropItem(str(exc)) from None


class FeedWriterPipeline:
    """One postings file per source; the crawl runner writes status and rejects."""

    def open_spider(self, spider) -> None:
        path = Path(spider.out_dir) / f"{spider.source_index:05d}-postings.jsonl"
        self.file = path.open("w", encoding="utf-8")

    def process_item(self, item: dict, spider):
        self.file.write(json.dumps(item, ensure_ascii=False) + "\n")
        spider.items += 1
        return item

    def close_spider(self, spider) -> None:
        self.file.close()
