#!/usr/bin/python3
"""Turns The Complete Journey's transactions into Persona events.

Reads transactions_sample.csv and products.csv from DATA_DIR (the dataset's
own directory; nothing is copied) and writes, as JSON lines:
  OUT_DIR/events.jsonl      one purchase event per transaction line
  OUT_DIR/attributes.jsonl  one {"user", "attributes"} per household with demographics

Each event: user = household_id, item = product_id, price = sales_value /
quantity, quantity, ts (the timestamp is New York local time), category =
[department, product_category], brand = National or Private, and an id
from basket, product and line, so sending the file twice doubles nothing.
Events are written in time order.
Rows with quantity <= 0 or sales_value <= 0 are left out (the dataset's
SOURCE.txt says 416 and 528 such rows exist) and counted on stderr.

Usage: to_events.py DATA_DIR OUT_DIR
"""
import csv
import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, out = sys.argv[1], sys.argv[2]
    products = {}
    with open(f"{data}/products.csv", newline="") as f:
        for row in csv.DictReader(f):
            products[row["product_id"]] = row
    new_york = ZoneInfo("America/New_York")
    kept = dropped = 0
    rows = []
    with open(f"{data}/transactions_sample.csv", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            quantity = int(float(row["quantity"]))
            paid = float(row["sales_value"])
            if quantity <= 0 or paid <= 0:
                dropped += 1
                continue
            local = datetime.strptime(row["transaction_timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=new_york)
            event = {
                "user": row["household_id"],
                "type": "purchase",
                "item": row["product_id"],
                "price": round(paid / quantity, 4),
                "quantity": quantity,
                "ts": int(local.timestamp() * 1000),
                "id": f"{row['basket_id']}-{row['product_id']}-{line}",
            }
            product = products.get(row["product_id"])
            if product:
                categories = [c for c in (product["department"], product["product_category"]) if c]
                if categories:
                    event["category"] = categories
                if product["brand"]:
                    event["brand"] = product["brand"]
            rows.append(event)
            kept += 1
    # In time order, as a shop would have sent them.
    rows.sort(key=lambda e: e["ts"])
    with open(f"{out}/events.jsonl", "w") as events:
        for event in rows:
            events.write(json.dumps(event) + "\n")
    households = 0
    with open(f"{data}/demographics.csv", newline="") as f, open(f"{out}/attributes.jsonl", "w") as attrs:
        for row in csv.DictReader(f):
            user = row.pop("household_id")
            attributes = {k: v for k, v in row.items() if v != ""}
            for numeric in ("household_size", "kids_count"):
                if numeric in attributes and attributes[numeric].rstrip("+").isdigit():
                    attributes[numeric] = int(attributes[numeric].rstrip("+"))
            attrs.write(json.dumps({"user": user, "attributes": attributes}) + "\n")
            households += 1
    print(f"{kept} purchase events, {dropped} rows left out (quantity or sales_value <= 0), "
          f"{households} households with demographics", file=sys.stderr)


if __name__ == "__main__":
    main()
