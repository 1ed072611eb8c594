#!/usr/bin/env python3
"""Churn risk and next purchase measured over the wire against a running
node (scripts/eval-churn-wire.sh starts one): the figures persona-eval
--churn computes in process, with the same data handling and baselines
(the batch regression is persona-eval's alone).

    /usr/bin/python3 scripts/eval/churn_wire.py --port=PORT --file=CSV [--cut=2017-10-01]
"""
import argparse
import calendar
import csv
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python"))
from persona_client import PersonaClient  # noqa: E402

DAY_MS = 86400000


def column(header, names):
    lowered = [h.lower() for h in header]
    for n in names:
        if n in lowered:
            return lowered.index(n)
    return -1


def time_ms(text):
    """'YYYY-MM-DD[ HH:MM[:SS]]' as UTC, or seconds / ms since the epoch."""
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        date, _, clock = text.partition(" ")
        y, m, d = (int(x) for x in date.split("-"))
        parts = [int(x) for x in clock.split(":")] if clock else []
        h, mi, s = (parts + [0, 0, 0])[:3]
        return calendar.timegm((y, m, d, h, mi, s)) * 1000
    n = float(text)
    return int(n * 1000 if n < 1e11 else n)


def read_rows(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        user = column(header, ["household_id", "user", "user_id", "userid", "customer_id", "customerid"])
        item = column(header, ["product_id", "item", "item_id", "itemid", "stockcode"])
        basket = column(header, ["basket_id", "basket", "invoice", "invoiceno", "order_id"])
        when = column(header, ["transaction_timestamp", "timestamp", "ts", "time", "invoicedate", "date"])
        quantity = column(header, ["quantity"])
        amount = column(header, ["sales_value", "amount", "total"])
        price = column(header, ["price", "unitprice", "unit_price"])
        if min(user, item, when) < 0 or max(amount, price) < 0:
            sys.exit("churn_wire: %s needs user, item, time and amount (or price) columns" % path)
        rows, dropped = [], 0
        for f in reader:
            if not f:
                continue
            try:
                q = float(f[quantity]) if quantity >= 0 else 1.0
            except ValueError:
                q = 0.0
            try:
                paid = float(f[amount]) if amount >= 0 else float(f[price]) * q
            except ValueError:
                paid = 0.0
            if q <= 0 or paid <= 0:
                dropped += 1
                continue
            ts = time_ms(f[when])
            rows.append((f[user], f[item], f[basket] if basket >= 0 else str(ts), ts, paid, max(1, round(q))))
        return rows, dropped


def roc_auc(scores, labels):
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    rank_sum, positives, i = 0.0, 0, 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        mean_rank = (i + j + 1) / 2
        for t in range(i, j):
            if labels[order[t]]:
                rank_sum += mean_rank
                positives += 1
        i = j
    negatives = len(scores) - positives
    if positives == 0 or negatives == 0:
        return 0.5
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--cut", default="2017-10-01")
    parser.add_argument("--horizon-days", type=int, default=30)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    cut = time_ms(args.cut)
    horizon = args.horizon_days * DAY_MS

    rows, dropped = read_rows(args.file)
    before = sorted((r for r in rows if r[3] < cut), key=lambda r: r[3])
    client = PersonaClient(args.host, args.port)
    started = time.time()
    rejected = 0
    for first in range(0, len(before), args.batch):
        events = [{"user": u, "type": "purchase", "item": i, "ts": ts, "price": paid / q, "quantity": q}
                  for u, i, _, ts, paid, q in before[first:first + args.batch]]
        rejected += len(client.call("ingest", events)["rejected"])
    sent_s = time.time() - started
    # The item model has taken every example when nothing waits and the
    # count stops moving.
    last, still = -1, 0
    while still < 3:
        time.sleep(0.3)
        model = client.call("stats")["item_model"]
        examples = model.get("churn_examples", 0)
        still = still + 1 if examples == last and model.get("waiting_signals", 0) == 0 else 0
        last = examples

    baskets = {}
    for u, _, b, ts, paid, _ in rows:
        key = (u, b)
        baskets[key] = min(baskets.get(key, ts), ts)
    by_user = {}
    for (u, _), ts in baskets.items():
        by_user.setdefault(u, []).append(ts)
    risk, recency, churned = [], [], []
    abs_engine = abs_rule = 0.0
    next_users, learnt = 0, False
    for u, times in by_user.items():
        times.sort()
        past = [t for t in times if t < cut]
        if not past:
            continue
        after = [t for t in times if t >= cut]
        answer = client.call("predict", u, {"now": cut})
        learnt = bool(answer.get("churn_learnt", False))
        risk.append(answer["churn_risk"])
        since = (cut - past[-1]) / DAY_MS
        recency.append(since)
        churned.append(not after or after[0] >= cut + horizon)
        if after and len(past) >= 2:
            truth = (after[0] - cut) / DAY_MS
            said = answer.get("next_purchase_days")
            gaps = [(b - a) / DAY_MS for a, b in zip(past, past[1:])]
            abs_engine += abs((said if said is not None else 0.0) - truth)
            abs_rule += abs(max(0.0, median(gaps) - since) - truth)
            next_users += 1

    print("over the wire: %d rows (%d dropped: quantity or amount <= 0), %d purchases before %s sent in %.1f s "
          "(%d rejected), %d users, %d churned (no basket within %d days)"
          % (len(rows), dropped, len(before), args.cut, sent_s, rejected, len(churned), sum(churned),
             args.horizon_days))
    print("| churn | ROC AUC |\n| --- | --- |")
    print("| churn_risk (%s, %d examples) | %.4f |"
          % ("learnt online" if learnt else "recency rule: too few examples", last, roc_auc(risk, churned)))
    print("| days since last basket | %.4f |" % roc_auc(recency, churned))
    if next_users:
        mae_engine, mae_rule = abs_engine / next_users, abs_rule / next_users
        print("\n| next purchase (%d users: two baskets before, one after) | MAE (days) |\n| --- | --- |" % next_users)
        print("| next_purchase_days | %.2f |" % mae_engine)
        print("| median gap - days since last basket | %.2f |" % mae_rule)
        print("\nnext_purchase_days: %.1f%% below the median-gap rule" % (100 * (1 - mae_engine / mae_rule)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
