"""Reads a job output's predictions/ and stats/ with pyarrow, DuckDB and Polars, outside Spark.

Usage: read_outputs.py <output folder> <result.json>

For each reader and table it writes the type it saw for every column and every row, with values
made comparable: timestamps as microseconds since the epoch (UTC), maps as objects, structs as
objects, lists as lists. It also writes the Parquet physical and logical type of each column of the
predictions' first file. The Java test (OutsideReadersTest) compares these rows with Spark's own read.
"""
import datetime
import glob
import json
import os
import sys

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
EPOCH = datetime.datetime(1970, 1, 1)


def plain(v):
    """A JSON-ready value: exact microseconds for timestamps, dicts for maps and structs."""
    if isinstance(v, datetime.datetime):
        return (v - (EPOCH_UTC if v.tzinfo else EPOCH)) // datetime.timedelta(microseconds=1)
    if isinstance(v, dict):
        # DuckDB (older versions) gives a MAP as {"key": [...], "value": [...]}
        if set(v.keys()) == {"key", "value"} and isinstance(v["key"], list):
            return {k: plain(x) for k, x in zip(v["key"], v["value"])}
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        items = list(v)
        # pyarrow gives a map as a list of (key, value) tuples, Polars as a list of {key, value} structs
        if items and all(isinstance(i, tuple) and len(i) == 2 for i in items):
            return {k: plain(x) for k, x in items}
        if items and all(isinstance(i, dict) and set(i.keys()) == {"key", "value"} for i in items):
            return {i["key"]: plain(i["value"]) for i in items}
        return [plain(i) for i in items]
    if isinstance(v, bytes):
        return v.hex()
    return v


def files(folder):
    return sorted(glob.glob(os.path.join(folder, "**", "*.parquet"), recursive=True))


def with_pyarrow(folder):
    t = pq.read_table(files(folder))
    types = {f.name: str(f.type) for f in t.schema}
    rows = [{k: plain(v) for k, v in r.items()} for r in t.to_pylist()]
    for r in rows:  # a map column arrives as a list of tuples; an empty one as []
        for f in t.schema:
            if pa.types.is_map(f.type) and r[f.name] == []:
                r[f.name] = {}
    return types, rows


def with_duckdb(folder):
    con = duckdb.connect()
    rel = con.sql("SELECT * FROM read_parquet(?)", params=[files(folder)])
    types = {n: str(t) for n, t in zip(rel.columns, rel.types)}
    rows = [{n: plain(v) for n, v in zip(rel.columns, r)} for r in rel.fetchall()]
    return types, rows


def with_polars(folder):
    df = pl.read_parquet(files(folder))
    types = {n: str(t) for n, t in df.schema.items()}
    rows = []
    for r in df.to_dicts():
        rows.append({k: plain(v) for k, v in r.items()})
    for r in rows:  # an empty map arrives as an empty list
        for n, t in df.schema.items():
            if isinstance(t, pl.List) and isinstance(t.inner, pl.Struct) and r[n] == []:
                if [f.name for f in t.inner.fields] == ["key", "value"]:
                    r[n] = {}
    return types, rows


def parquet_types(folder):
    meta = pq.ParquetFile(files(folder)[0]).metadata.schema
    out = {}
    for i in range(len(meta)):
        c = meta.column(i)
        out[c.path] = {"physical": c.physical_type, "logical": str(c.logical_type)}
    return out


def main():
    output, result = sys.argv[1], sys.argv[2]
    readers = {"pyarrow": with_pyarrow, "duckdb": with_duckdb, "polars": with_polars}
    versions = {"pyarrow": pa.__version__, "duckdb": duckdb.__version__, "polars": pl.__version__}
    doc = {"versions": versions, "parquet": parquet_types(os.path.join(output, "predictions")), "tables": {}}
    for table in ("predictions", "stats"):
        folder = os.path.join(output, table)
        doc["tables"][table] = {}
        for name, read in readers.items():
            types, rows = read(folder)
            doc["tables"][table][name] = {"types": types, "rows": rows}
    with open(result, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    os.environ["TZ"] = "UTC"
    main()
