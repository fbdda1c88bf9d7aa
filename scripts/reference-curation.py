#!/usr/bin/env python3
"""An outside-Spark reference for the label issues scripts/curate.sh finds: the same cross-fitting
(folds, grid, regParam selection) done with scikit-learn, the same confident learning done with
numpy, and, when the planted noise is known, how well each finds it.

Install (once; the virtual environment of scripts/reference-head.py serves):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install scikit-learn pyarrow numpy

Run (after `scripts/curate.sh ... --output <run>`; for planted noise, label with
`python3 scripts/make-noisy-labels.py --input <folder per class> --output <dir>` and curate with
`--labels <dir>/labels.csv`):

    /tmp/refvenv/bin/python scripts/reference-curation.py --run <run> [--flipped <dir>/flipped.csv]
        [--json <file>] [--embeddings <rows dir>] [--std unbiased|biased]

Writes one JSON object to stdout and a readable table to stderr; with --json <file> the JSON goes
to the file and the table to stdout. Exit status: 0 done; 2 bad arguments or inputs that do not fit
together (a missing table or column, a path without an ok embedding, a fold or label out of range).

Inputs, all from <run>:
  * curation.json: "classes" (class index order), "cross_fit": "folds", the grid (the regParams of
    "curve", in order), the chosen "reg_param" and the product's per-grid-point log loss;
    "label_issues": "issues", "thresholds", "confident_joint".
  * out_of_sample/: one row per image: the given label, the fold (pmod(xxhash64(path), k); the
    reference reuses it, so both fit on identical folds), the product's probabilities and its
    is_label_issue, confident_label and self_confidence.
  * embeddings/rows/ (or --embeddings): the ok rows' embedding vectors (Spark ML Vector structs).
Rows are sorted by path, so nothing depends on how the Parquet files are partitioned.

The reference (MLlib's head: multinomial, standardization=true, elasticNetParam=0, maxIter 200,
tol 1e-6, objective  mean_i loss_i + regParam/2 * ||beta||^2  on x_j / std_j with the unbiased
std, intercepts free):
  * for every grid regParam and fold f: StandardScaler + LogisticRegression(lbfgs, multinomial,
    C = 1 / (n * regParam) with n the rows of that fit, max_iter 5000, tol 1e-8) fitted on the rows of
    the other folds, predicting fold f. --std unbiased (default) also multiplies C by (n-1)/n, since
    StandardScaler divides by the biased std (the exact counterpart of MLlib's fit); --std biased
    leaves that out (a penalty n/(n-1) times weaker, 0.3 % at n = 300). A fit whose rows hold two
    classes gets 2C (MLlib's multinomial family on two classes is a binomial fit with regParam/2); a
    class absent from a fit's rows gets probability 0 (MLlib gives it a tiny one).
  * the regParam with the lowest overall out-of-sample log loss (mean of -log max(p_given, 1e-15)
    over all rows, as the product computes it) gives the probabilities.
  * confident learning (Northcutt et al. 2021, as curate's LabelIssues): t_j = mean of p_j over the
    rows labeled j; a row's confident class is the most probable among the classes with
    p_j >= t_j - 1e-6 (none when no class qualifies); a label issue is a row whose confident class
    exists and is not its given label; issues rank by self-confidence (p of the given label)
    ascending, then path.
The same numpy confident learning is also run on the product's own probabilities ("checks"): it
must reproduce out_of_sample's is_label_issue and confident_label, curation.json's thresholds,
confident joint and issue count, and label_issues/ (when present) must hold the same paths.

Compared (JSON "product" and "reference", the table's rows):
  * flagged: rows marked as label issues; the chosen regParam; per grid point the log loss.
  * with --flipped (path,true_label,noisy_label, as make-noisy-labels.py writes): precision and
    recall of the flagged set against the flipped rows, and precision@K: the share of flipped rows
    among the K rows of lowest self-confidence (K = flipped rows in the run), which measures the
    ranking without the thresholds. Flipped paths that are not rows of the run are reported and
    left out of K and of recall.
  * agreement: Jaccard index of the two flagged sets, max |p_reference - p_product| over all rows
    and classes (at each side's chosen regParam, and at the product's regParam when they differ),
    rows whose most probable class differs.
"""
import argparse
import csv
import json
import math
import os
import re
import sys
import time
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

MAX_ITER = 5000
TOL = 1e-8
SLACK = 1e-6          # LabelIssues.SLACK
LOSS_FLOOR = 1e-15    # CrossFit's floor under p_given in the log loss


class InputError(Exception):
    """Inputs that do not fit together (exit 2)."""


def canonical(path):
    """A path as a comparable string: file:/x, file:///x and /x are the same file."""
    if path.startswith("file:"):
        return "/" + path[len("file:"):].lstrip("/")
    return path


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------

def read_table(path, columns):
    if not os.path.exists(path):
        raise InputError(f"{path} does not exist")
    try:
        t = ds.dataset(path, format="parquet").to_table()
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{path} is not a readable Parquet table: {e}")
    missing = [c for c in columns if c not in t.column_names]
    if missing:
        raise InputError(f"{path} lacks the column(s) {missing} (it has {t.column_names})")
    return t


def vectors(column):
    """Spark ML Vector structs (type 0 sparse: size, indices, values; type 1 dense: values) as a matrix."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    n = len(column)
    if n == 0:
        raise InputError("no embeddings")
    types = column.field("type").to_numpy(zero_copy_only=False)
    values = column.field("values")
    lengths = pc.list_value_length(values).to_numpy(zero_copy_only=False)
    sizes = column.field("size").to_numpy(zero_copy_only=False)
    dims = {int(lengths[i]) if types[i] == 1 else int(sizes[i]) for i in range(n)}
    if len(dims) != 1:
        raise InputError(f"embeddings of different sizes: {sorted(dims)}")
    d = dims.pop()
    if np.all(types == 1):
        return np.asarray(pc.list_flatten(values).to_numpy(zero_copy_only=False), dtype=np.float64).reshape(n, d)
    out = np.zeros((n, d))
    indices = column.field("indices")
    for i in range(n):
        v = np.asarray(values[i].as_py(), dtype=np.float64)
        if types[i] == 1:
            out[i] = v
        else:
            out[i, np.asarray(indices[i].as_py(), dtype=np.int64)] = v
    return out


def read_flipped(path):
    if not os.path.exists(path):
        raise InputError(f"{path} does not exist")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or not {"path", "true_label", "noisy_label"} <= set(reader.fieldnames):
            raise InputError(f"{path} needs the columns path,true_label,noisy_label (it has {reader.fieldnames})")
        base = os.path.dirname(os.path.abspath(path))
        out = {}
        for r in reader:
            p = (r["path"] or "").strip()
            if not p:
                raise InputError(f"{path} has a row without a path")
            if not (p.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", p)):
                p = os.path.join(base, p)
            out[canonical(p)] = (r["true_label"], r["noisy_label"])
    return out


# ---------------------------------------------------------------------------------------------
# the method
# ---------------------------------------------------------------------------------------------

def fit_predict(x_train, y_train, x_test, k, reg_param, unbiased_std):
    """One cross-fit head: MLlib's regParam as scikit-learn's C on this fit's rows; (k-column probabilities, converged, iterations)."""
    n = len(y_train)
    seen = np.unique(y_train)
    c = 1.0 / (n * reg_param)
    if unbiased_std:
        c *= (n - 1) / n
    if len(seen) == 2:
        c *= 2.0
    scaler = StandardScaler().fit(x_train)
    kwargs = dict(C=c, solver="lbfgs", max_iter=MAX_ITER, tol=TOL)
    if "multi_class" in LogisticRegression().get_params() and sklearn_version() < (1, 5):
        kwargs["multi_class"] = "multinomial"
    lr = LogisticRegression(**kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        lr.fit(scaler.transform(x_train), y_train)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    p = lr.predict_proba(scaler.transform(x_test))
    out = np.zeros((len(x_test), k))
    out[:, lr.classes_] = p
    return out, converged, int(np.max(lr.n_iter_)), c


def cross_fit(x, y, folds, k, grid, unbiased_std):
    """Every grid point's out-of-sample probabilities, log loss and accuracy; the chosen index."""
    points = []
    for reg in grid:
        proba = np.zeros((len(y), k))
        fits = []
        for f in sorted(set(folds.tolist())):
            test = folds == f
            p, converged, iters, c = fit_predict(x[~test], y[~test], x[test], k, reg, unbiased_std)
            proba[test] = p
            fits.append({"fold": int(f), "n_train": int((~test).sum()), "C": c, "converged": converged, "iterations": iters})
        points.append({"reg_param": reg, "log_loss": log_loss(y, proba), "accuracy": float(np.mean(proba.argmax(1) == y)),
                       "fits": fits, "proba": proba})
    best = 0
    for g in range(len(points)):  # the first of equal losses, as CrossFit's strict '<'
        if points[g]["log_loss"] < points[best]["log_loss"]:
            best = g
    return points, best


def log_loss(y, proba):
    return float(np.mean(-np.log(np.maximum(proba[np.arange(len(y)), y], LOSS_FLOOR))))


def confident_learning(proba, y, k):
    """LabelIssues.find in numpy: thresholds, confident class (-1: none), issue mask, joint."""
    thresholds = np.full(k, np.nan)
    for j in range(k):
        if np.any(y == j):
            thresholds[j] = proba[y == j, j].mean()
    with np.errstate(invalid="ignore"):
        ok = proba >= thresholds - SLACK  # NaN threshold: never
    masked = np.where(ok, proba, -np.inf)
    confident = np.where(ok.any(axis=1), masked.argmax(axis=1), -1)
    issue = (confident >= 0) & (confident != y)
    joint = np.zeros((k, k), dtype=np.int64)
    for g, c in zip(y[confident >= 0], confident[confident >= 0]):
        joint[g, c] += 1
    return thresholds, confident, issue, joint


def ranked(paths, self_confidence):
    """Row indices by self-confidence ascending, then path (LabelIssues' rank order)."""
    return sorted(range(len(paths)), key=lambda i: (self_confidence[i], paths[i]))


def against_flipped(paths, issue, self_confidence, flipped_set):
    flagged = {paths[i] for i in np.flatnonzero(issue)}
    hit = len(flagged & flipped_set)
    k = len(flipped_set)
    top = {paths[i] for i in ranked(paths, self_confidence)[:k]}
    return {
        "flagged": len(flagged),
        "true_positives": hit,
        "precision": hit / len(flagged) if flagged else None,
        "recall": hit / k if k else None,
        "k": k,
        "precision_at_k": len(top & flipped_set) / k if k else None,
    }


def sklearn_version():
    return tuple(int(v) for v in re.findall(r"\d+", sklearn.__version__)[:2])


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="curate.sh's output folder")
    ap.add_argument("--flipped", help="path,true_label,noisy_label table of the planted label changes")
    ap.add_argument("--embeddings", help="the embeddings' rows table (default <run>/embeddings/rows)")
    ap.add_argument("--std", choices=["unbiased", "biased"], default="unbiased",
                    help="C for MLlib's unbiased-std standardisation (default, exact) or StandardScaler's plain one")
    ap.add_argument("--json", help="write the JSON here (the table then goes to stdout)")
    args = ap.parse_args(argv)
    try:
        result = run(args)
    except InputError as e:
        print(f"reference-curation: {e}", file=sys.stderr)
        return 2
    text = json.dumps(result, indent=2, allow_nan=False)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        table(result, sys.stdout)
    else:
        table(result, sys.stderr)
        print(text)
    return 0


def run(args):
    started = time.time()
    run_dir = args.run
    summary_path = os.path.join(run_dir, "curation.json")
    if not os.path.exists(summary_path):
        raise InputError(f"{summary_path} does not exist (is --run a curate.sh output folder?)")
    with open(summary_path, encoding="utf-8") as f:
        try:
            summary = json.load(f)
        except json.JSONDecodeError as e:
            raise InputError(f"{summary_path} is not JSON: {e}")
    try:
        classes = list(summary["classes"])
        cf = summary["cross_fit"]
        grid = [float(p["reg_param"]) for p in cf["curve"]]
        product_reg = float(cf["reg_param"])
        n_folds = int(cf["folds"])
        li = summary["label_issues"]
    except (KeyError, TypeError, ValueError) as e:
        raise InputError(f"{summary_path} lacks classes / cross_fit.{{folds,reg_param,curve}} / label_issues: {e!r}")
    k = len(classes)
    if k < 2 or not grid:
        raise InputError(f"{summary_path}: {k} classes, {len(grid)} grid points")
    index = {c: i for i, c in enumerate(classes)}

    oos = read_table(os.path.join(run_dir, "out_of_sample"),
                     ["path", "given_label", "fold", "probabilities", "is_label_issue", "self_confidence", "confident_label"])
    order = np.argsort(np.array([canonical(p) for p in oos.column("path").to_pylist()], dtype=object), kind="stable")
    oos = oos.take(pa.array(order))
    paths = [canonical(p) for p in oos.column("path").to_pylist()]
    if len(set(paths)) != len(paths):
        raise InputError("out_of_sample names a path twice")
    n = len(paths)
    given = oos.column("given_label").to_pylist()
    bad = [g for g in given if g not in index]
    if bad:
        raise InputError(f"{len(bad)} given labels are not among curation.json's classes (e.g. {bad[0]!r})")
    y = np.array([index[g] for g in given], dtype=np.int64)
    folds = np.asarray(oos.column("fold").to_numpy(zero_copy_only=False), dtype=np.int64)
    if folds.min() < 0 or folds.max() >= n_folds:
        raise InputError(f"out_of_sample's fold column is outside 0..{n_folds - 1}")
    product_p = np.array(oos.column("probabilities").to_pylist(), dtype=np.float64)
    if product_p.shape != (n, k):
        raise InputError(f"out_of_sample's probabilities are {product_p.shape}, expected ({n}, {k})")

    rows_dir = args.embeddings or os.path.join(run_dir, "embeddings", "rows")
    emb = read_table(rows_dir, ["path", "status", "embedding"])
    emb = emb.filter(pc.equal(emb.column("status"), "ok"))
    emb_paths = [canonical(p) for p in emb.column("path").to_pylist()]
    where = {}
    for i, p in enumerate(emb_paths):
        if p in where:
            raise InputError(f"{rows_dir} names a path twice ({p})")
        where[p] = i
    missing = [p for p in paths if p not in where]
    if missing:
        raise InputError(f"{len(missing)} out_of_sample rows have no ok embedding in {rows_dir} (e.g. {missing[0]})")
    x_all = vectors(emb.column("embedding"))
    x = x_all[[where[p] for p in paths]]

    # the reference
    unbiased = args.std == "unbiased"
    points, best = cross_fit(x, y, folds, k, grid, unbiased)
    ref_p = points[best]["proba"]
    ref_t, ref_conf, ref_issue, ref_joint = confident_learning(ref_p, y, k)
    ref_sc = ref_p[np.arange(n), y]

    # the product, and numpy's confident learning on its probabilities
    prod_issue = np.array(oos.column("is_label_issue").to_pylist(), dtype=bool)
    prod_sc = np.array(oos.column("self_confidence").to_pylist(), dtype=np.float64)
    np_t, np_conf, np_issue, np_joint = confident_learning(product_p, y, k)
    prod_conf_names = oos.column("confident_label").to_pylist()
    prod_conf = np.array([-1 if c is None else index[c] for c in prod_conf_names])
    warnings_out = []
    checks = {
        "is_label_issue_mismatches": int(np.sum(np_issue != prod_issue)),
        "confident_label_mismatches": int(np.sum(np_conf != prod_conf)),
        "self_confidence_max_abs_diff": float(np.max(np.abs(prod_sc - product_p[np.arange(n), y]))),
        "thresholds_max_abs_diff": _max_abs_diff(np_t, li.get("thresholds")),
        "confident_joint_equal": _joint_equal(np_joint, li.get("confident_joint"), classes),
        "issues_count_equal": li.get("issues") == int(prod_issue.sum()),
        "reg_param_is_curve_minimum": product_reg == grid[int(np.argmin([p["log_loss"] for p in cf["curve"]]))],
    }
    issues_dir = os.path.join(run_dir, "label_issues")
    if os.path.exists(issues_dir):
        li_paths = {canonical(p) for p in read_table(issues_dir, ["path"]).column("path").to_pylist()}
        checks["label_issues_table_matches"] = li_paths == {paths[i] for i in np.flatnonzero(prod_issue)}
    for name, ok in checks.items():
        if ok is False or (isinstance(ok, int) and not isinstance(ok, bool) and ok != 0):
            warnings_out.append(f"check {name}: {ok}")
    not_converged = [(p["reg_param"], f["fold"]) for p in points for f in p["fits"] if not f["converged"]]
    if not_converged:
        warnings_out.append(f"{len(not_converged)} reference fits did not converge (regParam, fold): {not_converged}")

    def side(reg, curve, issue, thresholds, joint):
        return {"reg_param": reg, "flagged": int(issue.sum()), "curve": curve,
                "thresholds": [None if t is None or math.isnan(t) else float(t) for t in thresholds],
                "confident_joint": [[int(v) for v in row] for row in joint]}

    product = side(product_reg, [{"reg_param": float(p["reg_param"]), "log_loss": float(p["log_loss"]),
                                  "accuracy": float(p.get("accuracy", float("nan")))} for p in cf["curve"]],
                   prod_issue, li.get("thresholds") or list(np_t), li.get("confident_joint") or np_joint.tolist())
    reference = side(grid[best], [{"reg_param": p["reg_param"], "log_loss": p["log_loss"], "accuracy": p["accuracy"],
                                   "fits": p["fits"]} for p in points], ref_issue, list(ref_t), ref_joint.tolist())

    prod_set = {paths[i] for i in np.flatnonzero(prod_issue)}
    ref_set = {paths[i] for i in np.flatnonzero(ref_issue)}
    union = prod_set | ref_set
    agreement = {
        "jaccard_flagged": len(prod_set & ref_set) / len(union) if union else 1.0,
        "flagged_by_both": len(prod_set & ref_set),
        "flagged_by_product_only": sorted(prod_set - ref_set),
        "flagged_by_reference_only": sorted(ref_set - prod_set),
        "same_reg_param": grid[best] == product_reg,
        "max_abs_prob_diff": float(np.max(np.abs(ref_p - product_p))),
        "mean_abs_prob_diff": float(np.mean(np.abs(ref_p - product_p))),
        "argmax_disagreements": int(np.sum(ref_p.argmax(1) != product_p.argmax(1))),
    }
    if grid[best] != product_reg:
        same = points[grid.index(product_reg)]["proba"] if product_reg in grid else None
        if same is not None:
            agreement["max_abs_prob_diff_at_product_reg_param"] = float(np.max(np.abs(same - product_p)))

    result = {
        "run": os.path.abspath(run_dir),
        "n_rows": n,
        "classes": classes,
        "folds": n_folds,
        "rows_per_fold": [int(np.sum(folds == f)) for f in range(n_folds)],
        "grid": grid,
        "std": args.std,
        "product": product,
        "reference": reference,
        "agreement": agreement,
        "checks": checks,
        "warnings": warnings_out,
        "seconds": round(time.time() - started, 1),
        "versions": {"python": sys.version.split()[0], "scikit-learn": sklearn.__version__, "numpy": np.__version__,
                     "pyarrow": pa.__version__},
    }

    if args.flipped:
        flipped = read_flipped(args.flipped)
        in_run = set(paths)
        absent = sorted(set(flipped) - in_run)
        if len(absent) == len(flipped) and flipped:
            raise InputError(f"no path of {args.flipped} is a row of the run (e.g. {absent[0]})")
        if absent:
            warnings_out.append(f"{len(absent)} flipped paths are not rows of the run (left out), e.g. {absent[0]}")
        label_of = dict(zip(paths, given))
        wrong = [p for p, (_, noisy) in flipped.items() if p in in_run and label_of[p] != noisy]
        if wrong:
            warnings_out.append(f"{len(wrong)} flipped rows' given label is not their noisy_label (another table?), "
                                f"e.g. {wrong[0]}")
        flipped_set = set(flipped) & in_run
        result["flipped"] = {"table": os.path.abspath(args.flipped), "rows": len(flipped), "in_run": len(flipped_set)}
        product.update(against_flipped(paths, prod_issue, prod_sc, flipped_set))
        reference.update(against_flipped(paths, ref_issue, ref_sc, flipped_set))
    return result


def _max_abs_diff(a, b):
    if b is None or len(b) != len(a):
        return None
    diffs = [abs(x - float(y)) for x, y in zip(a, b) if y is not None and not math.isnan(x)]
    return max(diffs) if diffs else 0.0


def _joint_equal(joint, given, classes):
    """curation.json's confident joint as a k x k list or a {given: {confident: count}} map."""
    if given is None:
        return None
    try:
        if isinstance(given, dict):
            m = np.zeros_like(joint)
            for g, row in given.items():
                for c, v in row.items():
                    m[classes.index(g), classes.index(c)] = v
        else:
            m = np.array(given, dtype=np.int64)
        return bool(np.array_equal(m, joint))
    except (ValueError, TypeError, AttributeError):
        return None


def table(r, out):
    def fmt(v, spec=".3f"):
        return "-" if v is None else format(v, spec)

    print(f"run {r['run']}: {r['n_rows']} rows, {len(r['classes'])} classes, {r['folds']} folds "
          f"{r['rows_per_fold']}, grid {r['grid']} (reference C with {r['std']} std)", file=out)
    p, q = r["product"], r["reference"]
    has_flip = "flipped" in r
    head = f"  {'':<20}{'regParam':>9}{'flagged':>9}"
    if has_flip:
        head += f"{'TP':>5}{'precision':>11}{'recall':>8}{'prec@K':>8}"
    print(head + "   log loss per grid point", file=out)
    for name, s in (("product (MLlib)", p), ("reference (sklearn)", q)):
        line = f"  {name:<20}{s['reg_param']:>9g}{s['flagged']:>9d}"
        if has_flip:
            line += f"{s['true_positives']:>5d}{fmt(s['precision']):>11}{fmt(s['recall']):>8}{fmt(s['precision_at_k']):>8}"
        line += "   " + " ".join(f"{c['log_loss']:.4f}" for c in s["curve"])
        print(line, file=out)
    if has_flip:
        print(f"  K = {p['k']} flipped rows in the run (of {r['flipped']['rows']} in {r['flipped']['table']})", file=out)
    a = r["agreement"]
    extra = ""
    if "max_abs_prob_diff_at_product_reg_param" in a:
        extra = f" (at the product's regParam {a['max_abs_prob_diff_at_product_reg_param']:.2e})"
    print(f"agreement: Jaccard {a['jaccard_flagged']:.3f} ({a['flagged_by_both']} both, "
          f"{len(a['flagged_by_product_only'])} product only, {len(a['flagged_by_reference_only'])} reference only); "
          f"max |p_ref - p_product| {a['max_abs_prob_diff']:.2e}{extra}, mean {a['mean_abs_prob_diff']:.2e}; "
          f"argmax differs on {a['argmax_disagreements']} rows", file=out)
    c = r["checks"]
    print(f"checks (numpy confident learning on the product's probabilities): is_label_issue mismatches "
          f"{c['is_label_issue_mismatches']}, confident_label mismatches {c['confident_label_mismatches']}, thresholds "
          f"max diff {fmt(c['thresholds_max_abs_diff'], '.1e')}, joint equal {c['confident_joint_equal']}, "
          f"issue count equal {c['issues_count_equal']}, label_issues table matches {c.get('label_issues_table_matches')}",
          file=out)
    for w in r["warnings"]:
        print(f"warning: {w}", file=out)


if __name__ == "__main__":
    sys.exit(main())
