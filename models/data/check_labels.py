#!/usr/bin/env python3
"""Verify models/data/hire_type_labels.jsonl against the raw postings in ../shared/data.

For every row: the file exists, the id exists in that file, the phrase (if any) is a
verbatim substring of the cleaned posting text, the split matches the sha1 rule, and
`labelled_by` (rows labelled by two readers say so) is text where present.
Cleaning (same as used when the phrases were picked): html.unescape -> strip tags ->
html.unescape again (Greenhouse content is double-escaped) -> collapse whitespace; or
strip tags -> html.unescape (text escaped once, as HN posts are: a literal "<" stays).
Stdlib only.  Usage:  python3 models/data/check_labels.py [--data DIR] [--labels FILE]
"""
import argparse
import collections
import glob
import hashlib
import html
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data"))
if not os.path.isdir(DEFAULT_DATA):
    DEFAULT_DATA = "/work/shared/data"

LABELS = {"bandwidth", "expertise", "unclear"}
SOURCES = {"hn", "greenhouse_catawiki", "ats_fixtures_mit", "ats_fixtures_unlicensed"}
TAG = re.compile(r"<[^>]+>")
WS = re.compile(r"\s+")


def clean(s):
    if not s:
        return ""
    s = html.unescape(s)
    s = TAG.sub(" ", s)
    s = html.unescape(s)
    return WS.sub(" ", s).strip()


def readings(s):
    """The texts a phrase may be quoted from: ``clean``, and the once-escaped reading."""
    return clean(s), WS.sub(" ", html.unescape(TAG.sub(" ", s or ""))).strip()


def split_for(source, pid):
    h = int(hashlib.sha1(f"{source}:{pid}".encode()).hexdigest(), 16)
    return "test" if h % 5 == 0 else "train"


def _join(*parts):
    return " ".join(p for p in parts if p)


def _lever(p):
    lists = " ".join(_join(l.get("text", ""), l.get("content", "")) for l in p.get("lists") or [])
    body = p.get("description") or p.get("descriptionPlain") or ""
    return _join(p.get("text", ""), body, lists, p.get("additional") or p.get("additionalPlain") or "")


def _ashby(p):
    return _join(p.get("title", ""), p.get("descriptionHtml") or p.get("descriptionPlain") or "")


def _gh(p):
    return _join(p.get("title", ""), p.get("content", ""))


def _sr(p):
    secs = (p.get("jobAd") or {}).get("sections") or {}
    return _join(p.get("name", ""), *[(secs.get(k) or {}).get("text", "") for k in
                                      ("companyDescription", "jobDescription", "qualifications", "additionalInformation")])


def postings_in_file(rel, data=DEFAULT_DATA):
    """Yield (id, title, raw_text) for every posting with body text in one file."""
    path = os.path.join(data, rel)
    name = os.path.basename(rel)
    if rel.startswith("hn_whoishiring/"):
        for j in json.load(open(path))["jobs"]:
            yield str(j["id"]), None, j.get("text") or ""
        return
    if name.endswith(".html"):
        return
    d = json.load(open(path))
    if rel.startswith("greenhouse_boards/") or name in ("greenhouse_jobs.json", "jd_greenhouse_job.json"):
        jobs = d["jobs"] if "jobs" in d else [d]
        for p in jobs:
            if p.get("content"):
                yield str(p["id"]), p.get("title", ""), _gh(p)
    elif "lever" in name:
        for p in (d if isinstance(d, list) else [d]):
            yield str(p["id"]), p.get("text", ""), _lever(p)
    elif "ashby" in name:
        for p in d["jobs"]:
            yield str(p["id"]), p.get("title", ""), _ashby(p)
    elif name.startswith("workable"):
        for p in d.get("jobs", []):
            if p.get("description"):
                yield str(p["shortcode"]), p["title"], _join(p["title"], p["description"])
    elif name in ("smartrecruiters_detail.json", "jd_smartrecruiters_posting.json"):
        yield str(d["id"]), d.get("name", ""), _sr(d)
    elif name == "jd_workday_job.json":
        p = d["jobPostingInfo"]
        yield str(p["id"]), p["title"], _join(p["title"], p.get("jobDescription", ""))
    elif name == "jd_oracle_job.json":
        for p in d["items"]:
            yield str(p["Id"]), p["Title"], _join(p["Title"], *[p.get(k) or "" for k in (
                "ExternalDescriptionStr", "CorporateDescriptionStr", "OrganizationDescriptionStr",
                "ExternalResponsibilitiesStr", "ExternalQualificationsStr")])
    elif name == "recruitee.json":
        for p in d["offers"]:
            yield str(p["id"]), p["title"], _join(p["title"], p.get("description", ""), p.get("requirements", ""))
    elif name == "remotive_jobs.json":
        for p in d["jobs"]:
            yield str(p["id"]), p["title"], _join(p["title"], p.get("description", ""))
    elif name == "usajobs_jobs.json":
        for it in d["SearchResult"]["SearchResultItems"]:
            m = it["MatchedObjectDescriptor"]
            det = (m.get("UserArea") or {}).get("Details") or {}
            yield str(it["MatchedObjectId"]), m["PositionTitle"], _join(
                m["PositionTitle"], m.get("QualificationSummary", ""), det.get("JobSummary", ""),
                det.get("MajorDuties", "") if isinstance(det.get("MajorDuties"), str) else " ".join(det.get("MajorDuties") or []))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--labels", default=os.path.join(HERE, "hire_type_labels.jsonl"))
    a = ap.parse_args()
    cache = {}
    errors = []
    seen = set()
    counts = collections.Counter()
    rows = [json.loads(l) for l in open(a.labels) if l.strip()]
    for i, r in enumerate(rows, 1):
        key = (r["source"], r["id"])
        if key in seen:
            errors.append(f"row {i}: duplicate {key}")
        seen.add(key)
        if r["source"] not in SOURCES:
            errors.append(f"row {i}: bad source {r['source']}")
        if r["label"] not in LABELS:
            errors.append(f"row {i}: bad label {r['label']}")
        if r.get("sampled") not in ("random", "targeted"):
            errors.append(f"row {i}: bad sampled {r.get('sampled')}")
        if r["split"] != split_for(r["source"], r["id"]):
            errors.append(f"row {i}: split should be {split_for(r['source'], r['id'])}")
        if "labelled_by" in r and not (isinstance(r["labelled_by"], str) and r["labelled_by"].strip()):
            errors.append(f"row {i}: labelled_by must say who labelled the row")
        if len(r.get("title", "")) > 100:
            errors.append(f"row {i}: title > 100 chars")
        if r["file"] not in cache:
            if not os.path.exists(os.path.join(a.data, r["file"])):
                errors.append(f"row {i}: missing file {r['file']}")
                cache[r["file"]] = {}
            else:
                cache[r["file"]] = {pid: readings(t) for pid, _, t in postings_in_file(r["file"], a.data)}
        texts = cache[r["file"]].get(r["id"])
        if texts is None:
            errors.append(f"row {i}: id {r['id']} not in {r['file']}")
            continue
        ph = r.get("phrase", "")
        if r["label"] == "unclear" and ph:
            errors.append(f"row {i}: unclear rows carry an empty phrase")
        if r["label"] != "unclear" and not ph:
            errors.append(f"row {i}: {r['label']} row without phrase")
        if ph and not any(ph in text for text in texts):
            errors.append(f"row {i} ({r['id']}): phrase not verbatim: {ph!r}")
        if len(ph.split()) > 25:
            errors.append(f"row {i}: phrase > 25 words")
        counts[(r["label"], r["split"], r["sampled"])] += 1
    print(f"{len(rows)} rows, {len(errors)} errors")
    for e in errors[:50]:
        print("  ERROR", e)
    by = lambda k: collections.Counter({x: sum(v for kk, v in counts.items() if kk[k] == x) for x in {kk[k] for kk in counts}})
    print("label:", dict(sorted(by(0).items())))
    print("split:", dict(sorted(by(1).items())))
    print("sampled:", dict(sorted(by(2).items())))
    print("label x split x sampled:")
    for k in sorted(counts):
        print(f"  {k[0]:10s} {k[1]:5s} {k[2]:8s} {counts[k]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
