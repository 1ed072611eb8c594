#!/usr/bin/python3
"""Tabulates the benchmark suite's results (scripts/bench-suite.sh).

Reads the JSON reports persona-loadgen wrote into the given directory (and
the engine benchmark's RESULT line, when present), prints one table and the
Persona/Redis ratios, and checks the two aims: ingest at least 10x Redis,
and get_profile p99 under 1 ms at 50% of Persona's ingest rate.
"""
import json
import os
import re
import sys


def load(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def op_row(label, report, op):
    o = report["operations"][op]
    lat = o["latency_us"]
    rate = o["events_per_s"] if op == "ingest" else o["requests_per_s"]
    unit = "events/s" if op == "ingest" else "req/s"
    return (f"{label:<44} {rate:>12,.0f} {unit:<8} {lat['p50'] / 1000:>8.3f} {lat['p99'] / 1000:>8.3f} "
            f"{lat['p999'] / 1000:>9.3f} {lat['max'] / 1000:>8.1f} {o['errors']:>7}")


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "build/bench-suite"
    print()
    print(f"{'measurement':<44} {'throughput':>21} {'p50 ms':>8} {'p99 ms':>8} {'p99.9 ms':>9} {'max ms':>8} "
          f"{'errors':>7}")
    engine_path = os.path.join(directory, "engine.txt")
    if os.path.exists(engine_path):
        text = open(engine_path).read()
        m = re.search(r"RESULT events_per_s=(\d+) bytes_per_profile=(\d+)", text)
        if m:
            print(f"{'engine in-process, 1M users, 2 shards':<44} {int(m.group(1)):>12,} events/s   "
                  f"({m.group(2)} bytes per profile)")
    persona = load(directory, "persona_ingest.json")
    redis = load(directory, "redis_ingest.json")
    get = load(directory, "persona_get_profile.json")
    query = load(directory, "persona_query.json")
    if persona:
        print(op_row("Persona ingest over TCP, full speed", persona, "ingest"))
    if get:
        print(op_row("Persona get_profile, ingest at 50%", get, "get_profile"))
        print(op_row("  (its ingest, open loop)", get, "ingest"))
    if query:
        print(op_row("Persona query, ingest at 50%", query, "query"))
        print(op_row("  (its ingest, open loop)", query, "ingest"))
    if redis:
        print(op_row("Redis 7 function, same stream, full speed", redis, "ingest"))
    failed = []
    if persona and redis:
        p_rate = persona["operations"]["ingest"]["events_per_s"]
        r_rate = redis["operations"]["ingest"]["events_per_s"]
        p_mem = persona["memory"]["bytes_per_user"]
        r_mem = redis["memory"]["bytes_per_user"]
        print()
        print(f"events/s         Persona {p_rate:>12,.0f}   Redis {r_rate:>10,.0f}   Persona/Redis {p_rate / r_rate:6.1f}x"
              f"   (aim: at least 10x)")
        print(f"bytes per user   Persona {p_mem:>12,.0f}   Redis {r_mem:>10,.0f}   Persona/Redis {p_mem / r_mem:6.2f}"
              f"    (data as each counts it: Persona's stats, Redis's used_memory)")
        p_rss = load(directory, "persona_rss.json")
        r_rss = load(directory, "redis_rss.json")
        if p_rss and r_rss:
            pu = persona["memory"]["users"]
            ru = redis["memory"]["users"]
            p_grow = (p_rss["rss_after_kb"] - p_rss["rss_before_kb"]) * 1024 / max(pu, 1)
            r_grow = (r_rss["rss_after_kb"] - r_rss["rss_before_kb"]) * 1024 / max(ru, 1)
            print(f"RSS per user     Persona {p_grow:>12,.0f}   Redis {r_grow:>10,.0f}   Persona/Redis "
                  f"{p_grow / max(r_grow, 1):6.2f}    (process growth over the ingest run)")
        if p_rate < 10 * r_rate:
            failed.append("ingest below 10x Redis")
    if get:
        p99 = get["operations"]["get_profile"]["latency_us"]["p99"]
        verdict = "met" if p99 < 1000 else "NOT met"
        print(f"get_profile p99 at 50% ingest: {p99 / 1000:.3f} ms (aim: under 1 ms): {verdict}")
        faults = load(directory, "persona_get_profile_faults.json")
        if faults:
            # A fault on fresh memory can hold a shard for milliseconds on a
            # virtual machine (docs/benchmarks.md, "Page faults in the read tail").
            print(f"  node page faults during that run: {faults['minor_faults']:,} "
                  f"(persona-bench-machine tells what one costs on this machine)")
        if p99 >= 1000:
            failed.append("get_profile p99 not under 1 ms")
    print()
    print("aims: " + ("all met" if not failed else "; ".join(failed)))


if __name__ == "__main__":
    main()
