#!/usr/bin/env python3
"""An outside-Spark reference for a head trained by scripts/train.sh: a standardized logistic
regression trained with scikit-learn on the same embeddings, train rows and validation rows.

Install (once; a virtual environment keeps it off the system Python):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install scikit-learn pyarrow pandas
    # offline, with a local wheel store: add --index-url file:///... (see `pip config list`)

Run (after `scripts/train.sh --input <folder per class> --output <run>`):

    /tmp/refvenv/bin/python scripts/reference-head.py --run <run> [--json <file>]
        [--cache <embeddings cache dir>] [--labels <path,label table>] [--features product|all]
        [--b-c-grid per-fit|fixed] [--folds 3]

Reads <run>/metrics.json, <run>/validation (MLlib's scored validation rows) and the embeddings
cache's rows (<run>/embeddings/rows, or <cache>/rows for a run trained with --cache <cache>), and
with <run>/mllib-model when present compares the two solutions (diagnostics). Writes one JSON
object to stdout (a readable summary goes to stderr), or with --json <file> the JSON to the file and
the summary to stdout. Exit status: 0 done; 2 bad arguments or inputs that do not fit together.

Rows (as train.sh splits them): training rows are the cache's ok rows with a label that are not in
<run>/validation; validation rows are <run>/validation's rows, with their embeddings from the cache.
Rows are sorted by path, so the result does not depend on how the Parquet files are partitioned.

Labels: class indices are metrics.json's "classes" (name order, as MLlib's label_index).
  * default: a validation row takes the label in <run>/validation; a training row takes its class
    folder, the first folder below the input root, which is what train.sh --input does. The root is
    inferred from the validation rows (the prefix before "/<their label>/" common to all of them).
    For the flat <root>/<class>/<file> layout this is the file's parent folder name; a tar shard's
    members take the shard's folder. Wrong for runs trained from a label table or with
    --corrections (the script warns when metrics.json counts corrections): pass --labels then.
  * --labels <table>: a path,label CSV with a header (or a .parquet table), as train.sh --labels
    takes it (relative paths below the table's folder; a tar shard's label labels its members); it
    labels training and validation rows alike, and the script counts where it disagrees with
    <run>/validation.
The counts are checked against metrics.json (rows trained / validated, images per class); a
mismatch is reported as a warning and in the JSON's "checks".

Features: train.sh leaves out embedding features whose spread is small (metrics.json's
mllib.features_left_out, an ElementwiseProduct mask in <run>/mllib-model; --min-spread 0 keeps all).
--features product (default) gives the references the same mask (read from the model, else
recomputed from metrics.json's rule on the training rows), so that reference A is the same fit as
MLlib's; reference_A_all_features then adds the same-regParam fit on every feature (plain
standardisation). --features all gives every reference all the features.

The references (MLlib's objective, with standardization=true and elasticNetParam=0, is
    sum_i w_i*loss_i / sum_i w_i + regParam/2 * ||beta||^2   on features x_j / std_j, intercepts free;
scikit-learn's LogisticRegression minimizes sum_i w_i*loss_i + 1/(2C) * ||beta||^2, so the same
optimum has C = 1 / (sum_i w_i * regParam), i.e. C = 1 / (n_train * regParam) without class weights):
  * reference A, "same regularisation": StandardScaler + LogisticRegression(lbfgs, multinomial,
    C = 1/(n_train * regParam) with the product's chosen regParam, max_iter=5000, tol=1e-8).
    MLlib divides by the unbiased standard deviation (n-1), StandardScaler by the biased one (n),
    so A's penalty is n/(n-1) times weaker than MLlib's (0.3 % at n=300). reference_A_unbiased_std
    corrects for it (C times (n-1)/n) and is the exact counterpart of MLlib's fit; both are reported.
  * reference B, "own selection": the same pipeline, regParam chosen by GridSearchCV over
    metrics.json's grid, StratifiedKFold(3, shuffle=True, random_state=0), scoring neg_log_loss,
    refit on all training rows. --b-c-grid per-fit (default) maps regParam to C with the size of
    each fit's own rows (a CV fold trains on about 2/3 of the rows, and a fixed C would be a 1.5x
    stronger regParam there than in the refit); --b-c-grid fixed searches the fixed values
    C = 1/(n_train * regParam) instead.
  * Two classes: MLlib's multinomial family penalises both classes' coefficient vectors, which is a
    binomial fit with regParam/2; scikit-learn fits binomial there, so C is doubled.
  * Class weights ("class_weights": "balanced" in metrics.json): the product's weights
    n / (classes * n_class) over all labeled ok rows are passed as sample_weight, C uses their sum.
Metrics: accuracy, macro-F1 (sklearn f1_score average='macro') and log loss (unweighted) on the
validation rows; the product's own from metrics.json, and recomputed from <run>/validation; per
reference max |p_reference - p_mllib| over the validation rows and classes (MLlib's probability
column, class order = label_index = metrics.json's classes) and how many predictions agree.
Diagnostics (no class weights, reference features = the product's): MLlib's objective evaluated at
MLlib's saved coefficients and at reference A's (which is lower tells which fit is nearer the
optimum), and the largest difference of their standardised coefficients.
"""
import argparse
import csv
import json
import math
import os
import re
import sys
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler

MAX_ITER = 5000
TOL = 1e-8
TAR_MEMBER = re.compile(r"^(.*?\.(?i:tar|tar\.gz|tgz))/(.+)$", re.DOTALL)  # TarMemberPath.REGEX


class InputError(Exception):
    """Inputs that do not fit together (exit 2)."""


def canonical(path):
    """A path as a comparable string: file:/x, file:///x and /x are the same file."""
    if path.startswith("file:"):
        return "/" + path[len("file:"):].lstrip("/")
    return path


def source_of(path):
    """A tar member's shard, else the path itself."""
    m = TAR_MEMBER.match(path)
    return m.group(1) if m else path


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------

def read_table(path):
    if not os.path.exists(path):
        raise InputError(f"{path} does not exist")
    return ds.dataset(path, format="parquet").to_table()


def vectors(column, size_hint=None):
    """Spark ML Vector structs (type 0 sparse: size, indices, values; type 1 dense: values) as a matrix."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    n = len(column)
    if n == 0:
        return np.zeros((0, size_hint or 0))
    types = column.field("type").to_numpy(zero_copy_only=False)
    values = column.field("values")
    lengths = pc.list_value_length(values).to_numpy(zero_copy_only=False)
    sizes = column.field("size").to_numpy(zero_copy_only=False)
    dense_len = {int(lengths[i]) for i in range(n) if types[i] == 1}
    sparse_len = {int(sizes[i]) for i in range(n) if types[i] == 0}
    dims = dense_len | sparse_len
    if len(dims) != 1:
        raise InputError(f"embeddings of different sizes: {sorted(dims)}")
    d = dims.pop()
    if np.all(types == 1):
        flat = pc.list_flatten(values).to_numpy(zero_copy_only=False)
        return np.asarray(flat, dtype=np.float64).reshape(n, d)
    out = np.zeros((n, d))
    indices = column.field("indices")
    for i in range(n):
        v = np.asarray(values[i].as_py(), dtype=np.float64)
        if types[i] == 1:
            out[i] = v
        else:
            out[i, np.asarray(indices[i].as_py(), dtype=np.int64)] = v
    return out


def read_label_table(path):
    """path -> label of a path,label table, relative paths below the table's folder (train.sh's rule)."""
    if path.lower().endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if rows and not {"path", "label"} <= set(rows[0].keys()):
            raise InputError(f"label table {path} needs the columns 'path' and 'label', it has {list(rows[0].keys())}")
        pairs = [(r["path"], r["label"]) for r in rows]
    else:
        t = read_table(path)
        if not {"path", "label"} <= set(t.column_names):
            raise InputError(f"label table {path} needs the columns 'path' and 'label', it has {t.column_names}")
        pairs = list(zip(t.column("path").to_pylist(), t.column("label").to_pylist()))
    base = os.path.dirname(os.path.abspath(path))
    labels = {}
    for p, label in pairs:
        if p is None or not str(p).strip():
            raise InputError(f"label table {path} has a row without a path")
        p = str(p).strip()
        if not (p.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", p)):
            p = os.path.join(base, p)
        label = None if label is None else str(label).strip()
        if label:
            labels[canonical(p)] = label
    return labels


def infer_root(val_paths, val_labels):
    """The input root: the prefix before "/<label>/" that every validation row shares."""
    common = None
    for path, label in zip(val_paths, val_labels):
        path = source_of(path)
        needle = "/" + label + "/"
        candidates, start = set(), 0
        while True:
            i = path.find(needle, start)
            if i < 0:
                break
            candidates.add(path[:i])
            start = i + 1
        common = candidates if common is None else common & candidates
        if not common:
            return None
    return max(common, key=len) if common else None


def folder_label(path, root):
    """The first folder below root (train.sh --input's class), or None."""
    path = source_of(path)
    if root is None:
        parent = os.path.dirname(path)
        return os.path.basename(parent) or None
    if not path.startswith(root + "/"):
        return None
    relative = path[len(root) + 1:]
    slash = relative.find("/")
    return relative[:slash] if slash > 0 else None


# ---------------------------------------------------------------------------------------------
# the regression
# ---------------------------------------------------------------------------------------------

def unbiased_ratio(w):
    """Unbiased / biased variance of a weighted sample (MLlib's Summarizer / StandardScaler's)."""
    s = w.sum()
    return s / (s - (w * w).sum() / s)


class MllibLikeLogisticRegression(ClassifierMixin, BaseEstimator):
    """StandardScaler + multinomial LogisticRegression with MLlib's regParam: C is derived from
    the rows of each fit (C = 1 / (sum of weights * regParam)), so that cross-validation folds get
    the same regularisation per mean loss as MLlib's fits on them.

    unbiased_std: scale C as if the features were divided by the unbiased standard deviation (MLlib).
    fixed_c: use this C whatever the rows (GridSearchCV over fixed Cs).
    n_classes: predict_proba has this many columns (0..n_classes-1) even when a fold lacks a class.
    """

    def __init__(self, reg_param=0.1, unbiased_std=False, fixed_c=None, n_classes=None, max_iter=MAX_ITER, tol=TOL):
        self.reg_param = reg_param
        self.unbiased_std = unbiased_std
        self.fixed_c = fixed_c
        self.n_classes = n_classes
        self.max_iter = max_iter
        self.tol = tol

    def c_for(self, sample_weight, n_classes_fit):
        if self.fixed_c is not None:
            return self.fixed_c
        w = sample_weight
        c = 1.0 / (w.sum() * self.reg_param)
        if self.unbiased_std:
            c /= unbiased_ratio(w)
        if n_classes_fit == 2:
            c *= 2.0  # MLlib's multinomial family on two classes = binomial with regParam / 2
        return c

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.scaler_ = StandardScaler().fit(X, sample_weight=w)
        seen = np.unique(y)
        self.C_ = self.c_for(w, len(seen))
        kwargs = dict(C=self.C_, solver="lbfgs", max_iter=self.max_iter, tol=self.tol)
        if "multi_class" in LogisticRegression().get_params() and _sklearn_version() < (1, 5):
            kwargs["multi_class"] = "multinomial"
        self.lr_ = LogisticRegression(**kwargs)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            self.lr_.fit(self.scaler_.transform(X), y, sample_weight=w)
        self.converged_ = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
        self.n_iter_ = int(np.max(self.lr_.n_iter_))
        self.classes_ = np.arange(self.n_classes) if self.n_classes else self.lr_.classes_
        return self

    def predict_proba(self, X):
        p = self.lr_.predict_proba(self.scaler_.transform(X))
        if len(self.lr_.classes_) == len(self.classes_):
            return p
        out = np.zeros((p.shape[0], len(self.classes_)))
        out[:, np.searchsorted(self.classes_, self.lr_.classes_)] = p
        return out

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def original_space(self, k):
        """Coefficients (k x d) and intercepts (k) on the unscaled features, softmax form."""
        coef = self.lr_.coef_ / self.scaler_.scale_
        icpt = self.lr_.intercept_ - coef @ self.scaler_.mean_
        if coef.shape[0] == 1 and k == 2:  # binomial: the symmetric two-class softmax form
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            icpt = np.array([-icpt[0] / 2, icpt[0] / 2])
        return coef, icpt


def _sklearn_version():
    return tuple(int(x) for x in re.findall(r"\d+", sklearn.__version__)[:2])


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def scores(y, proba, k):
    pred = np.argmax(proba, axis=1)
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "macro_f1": float(f1_score(y, pred, labels=list(range(k)), average="macro", zero_division=0)),
        "log_loss": float(log_loss(y, np.clip(proba, 1e-15, 1), labels=list(range(k)))),
    }


def mllib_objective(X, y, w, coef, icpt, reg_param, std_unbiased):
    """MLlib's objective (standardization=true, L2) at original-space coefficients."""
    p = softmax(X @ coef.T + icpt)
    loss = -(w * np.log(np.clip(p[np.arange(len(y)), y], 1e-300, 1))).sum() / w.sum()
    live = std_unbiased > 0  # MLlib leaves constant features out (coefficient 0)
    return float(loss + reg_param / 2 * ((coef[:, live] * std_unbiased[live]) ** 2).sum())


def find_mllib_model(run_dir):
    """<run>/mllib-model: a LogisticRegressionModel, or a PipelineModel of ElementwiseProduct (the
    feature mask) + LogisticRegressionModel. Returns (logistic regression data folder or None, mask or None)."""
    root = os.path.join(run_dir, "mllib-model")
    if not os.path.isdir(root):
        return None, None
    if os.path.isdir(os.path.join(root, "data")):
        return os.path.join(root, "data"), None
    stages = os.path.join(root, "stages")
    data, mask = None, None
    for stage in sorted(os.listdir(stages)) if os.path.isdir(stages) else []:
        meta_dir = os.path.join(stages, stage, "metadata")
        parts = [f for f in os.listdir(meta_dir) if f.startswith("part-")] if os.path.isdir(meta_dir) else []
        if not parts:
            continue
        with open(os.path.join(meta_dir, parts[0]), encoding="utf-8") as f:
            meta = json.loads(f.readline())
        cls = meta.get("class", "")
        if cls.endswith(".ElementwiseProduct"):
            vec = meta["paramMap"]["scalingVec"]
            if vec.get("type") == 1:
                mask = np.asarray(vec["values"], dtype=np.float64)
            else:
                mask = np.zeros(vec["size"])
                mask[np.asarray(vec["indices"], dtype=np.int64)] = vec["values"]
        elif cls.endswith(".LogisticRegressionModel"):
            data = os.path.join(stages, stage, "data")
    return data, mask


def rule_mask(X, spec):
    """The product's mask rule from metrics.json's mllib.features_left_out ("std < F x median std"):
    features whose unbiased std on the training rows is under F x the (upper) median std, or 0."""
    m = re.search(r"std\s*<\s*([0-9.eE+-]+)\s*x\s*median std", spec or "")
    if not m:
        return None
    sd = X.std(axis=0, ddof=1)
    median = np.sort(sd)[len(sd) // 2] if len(sd) else 0.0
    return ((sd > 0) & (sd >= float(m.group(1)) * median)).astype(np.float64)


def read_mllib_model(path):
    t = pq.read_table(path).to_pylist()[0]
    m, v = t["coefficientMatrix"], t["interceptVector"]
    if m["type"] != 1 or v["type"] != 1:
        return None  # sparse storage: not what an L2 fit writes
    rows, cols = m["numRows"], m["numCols"]
    values = np.asarray(m["values"], dtype=np.float64)
    coef = values.reshape(rows, cols) if m["isTransposed"] else values.reshape(cols, rows).T
    return coef, np.asarray(v["values"], dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="train.sh's output folder")
    ap.add_argument("--cache", help="embeddings cache folder (its rows/ subfolder, or the rows table itself); "
                                    "default <run>/embeddings")
    ap.add_argument("--labels", help="path,label table (.csv with a header, or Parquet) instead of folder names")
    ap.add_argument("--json", help="write the JSON here (the summary then goes to stdout)")
    ap.add_argument("--b-c-grid", choices=["per-fit", "fixed"], default="per-fit",
                    help="reference B: regParam -> C per fit (default) or fixed C = 1/(n_train*regParam)")
    ap.add_argument("--features", choices=["product", "all"], default="product",
                    help="features the references use: the product's (its feature mask, when the run has one; "
                         "default) or all of the embedding's (plain standardisation)")
    ap.add_argument("--folds", type=int, default=3, help="reference B's StratifiedKFold splits (default 3, at least 2)")
    args = ap.parse_args(argv)
    if args.folds < 2:
        ap.error("--folds must be at least 2")
    try:
        result = run(args)
    except InputError as e:
        print(f"reference-head: {e}", file=sys.stderr)
        return 2
    text = json.dumps(result, indent=2)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        summary(result, sys.stdout)
    else:
        summary(result, sys.stderr)
        print(text)
    return 0


def run(args):
    run_dir = args.run
    metrics_path = os.path.join(run_dir, "metrics.json")
    if not os.path.exists(metrics_path):
        raise InputError(f"{metrics_path} does not exist (is --run a train.sh output folder?)")
    with open(metrics_path, encoding="utf-8") as f:
        metrics = json.load(f)
    warn = []
    classes = list(metrics["classes"])
    k = len(classes)
    index = {c: i for i, c in enumerate(classes)}
    if classes != sorted(classes):
        warn.append("metrics.json's classes are not in name order")
    reg_param = float(metrics["selection"]["chosen_reg_param"])
    grid = [float(p["reg_param"]) for p in metrics["selection"]["curve"]]
    mllib = metrics.get("mllib", {})
    if mllib.get("elasticNetParam", 0.0) != 0.0 or mllib.get("standardization", True) is not True:
        warn.append(f"MLlib settings differ from the references' assumptions: {mllib}")
    balanced = mllib.get("class_weights", "none") == "balanced"

    # embeddings: cache rows
    if args.cache:
        rows_dir = os.path.join(args.cache, "rows") if os.path.isdir(os.path.join(args.cache, "rows")) else args.cache
    else:
        rows_dir = os.path.join(run_dir, "embeddings", "rows")
    if not os.path.exists(rows_dir):
        raise InputError(f"{rows_dir} does not exist; pass --cache <dir> where the run's embeddings cache lies")
    rows = read_table(rows_dir)
    for col in ("path", "status", "embedding"):
        if col not in rows.column_names:
            raise InputError(f"{rows_dir} has no column {col!r} (is it an embeddings cache's rows?)")
    ok = rows.filter(pc.and_(pc.equal(rows.column("status"), "ok"), pc.is_valid(rows.column("embedding"))))
    n_errors = rows.num_rows - ok.num_rows
    ok_paths = [canonical(p) for p in ok.column("path").to_pylist()]
    if len(set(ok_paths)) != len(ok_paths):
        raise InputError(f"{rows_dir} names a path twice")
    X_all = vectors(ok.column("embedding"))
    row_of = {p: i for i, p in enumerate(ok_paths)}

    # validation rows, MLlib's probabilities
    val = read_table(os.path.join(run_dir, "validation"))
    val = val.take(pc.sort_indices(val, sort_keys=[("path", "ascending")]))
    val_paths = [canonical(p) for p in val.column("path").to_pylist()]
    val_table_labels = val.column("label").to_pylist()
    val_index = np.asarray(val.column("label_index").to_pylist()).astype(int)
    p_mllib = np.asarray(val.column("probability").to_pylist(), dtype=np.float64)
    pred_mllib = np.asarray(val.column("prediction").to_pylist()).astype(int)
    bad = [p for p, l, i in zip(val_paths, val_table_labels, val_index) if index.get(l) != i]
    if bad:
        raise InputError(f"{len(bad)} validation rows' label_index is not the label's index in metrics.json's classes "
                         f"(e.g. {bad[0]})")
    missing = [p for p in val_paths if p not in row_of]
    if missing:
        raise InputError(f"{len(missing)} validation rows are not ok rows of {rows_dir} (e.g. {missing[0]}); "
                         "pass --cache where the run's embeddings lie")
    val_set = set(val_paths)

    # labels
    label_checks = {}
    if args.labels:
        table = read_label_table(args.labels)
        label_source = f"--labels {args.labels} (validation rows: the table's label as well)"

        def label_of(p):
            return table.get(p) if p in table else table.get(source_of(p))

        y_val_labels = [label_of(p) for p in val_paths]
        label_checks["validation_rows_where_labels_table_differs_from_run"] = sum(
            1 for a, b in zip(y_val_labels, val_table_labels) if a != b)
        if label_checks["validation_rows_where_labels_table_differs_from_run"]:
            warn.append("the labels table disagrees with <run>/validation on "
                        f"{label_checks['validation_rows_where_labels_table_differs_from_run']} validation rows")
    else:
        root = infer_root(val_paths, val_table_labels)
        if root is None:
            warn.append("no input root is common to the validation rows: training rows take their parent folder's name")
        label_source = ("validation rows: <run>/validation's label; training rows: class folder below the input root "
                        f"{root!r} inferred from the validation rows" if root is not None else
                        "validation rows: <run>/validation's label; training rows: parent folder name")

        def label_of(p):
            return folder_label(p, root)

        y_val_labels = list(val_table_labels)
        label_checks["input_root"] = root
        label_checks["validation_rows_where_folder_differs_from_run"] = sum(
            1 for p, l in zip(val_paths, val_table_labels) if folder_label(p, root) != l)
        corrections = metrics.get("data", {})
        if corrections.get("labels_corrected", 0) or corrections.get("files_removed_by_corrections", 0):
            warn.append("metrics.json counts label corrections: folder names are not the labels trained on; "
                        "pass the corrected path,label table with --labels")
        if label_checks["validation_rows_where_folder_differs_from_run"]:
            warn.append(f"{label_checks['validation_rows_where_folder_differs_from_run']} validation rows' folder is "
                        "not their label: the run was not trained on folder names; pass --labels")

    train_paths, train_labels, unlabeled, unknown = [], [], 0, {}
    for p in sorted(ok_paths):
        if p in val_set:
            continue
        label = label_of(p)
        if label is None:
            unlabeled += 1
        elif label not in index:
            unknown[label] = unknown.get(label, 0) + 1
        else:
            train_paths.append(p)
            train_labels.append(label)
    if unknown:
        warn.append(f"training rows with labels that are not metrics.json's classes, left out: {unknown}")
    bad_val = [p for p, l in zip(val_paths, y_val_labels) if l not in index]
    if bad_val:
        raise InputError(f"{len(bad_val)} validation rows have no label among the classes (e.g. {bad_val[0]})")
    y_train = np.asarray([index[l] for l in train_labels], dtype=int)
    y_val = np.asarray([index[l] for l in y_val_labels], dtype=int)
    X_train = X_all[[row_of[p] for p in train_paths]]
    X_val = X_all[[row_of[p] for p in val_paths]]
    n_train, n_val = len(y_train), len(y_val)

    # features: the product's mask (an ElementwiseProduct before MLlib's regression), or all
    model_data, model_mask = find_mllib_model(run_dir)
    recomputed_mask = rule_mask(X_train, mllib.get("features_left_out"))
    product_mask = model_mask if model_mask is not None else recomputed_mask
    feature_checks = {"embedding_size": int(X_train.shape[1]),
                      "product_features_used": None if product_mask is None else int(product_mask.sum()),
                      "product_mask_source": "mllib-model ElementwiseProduct" if model_mask is not None else
                      ("recomputed from metrics.json's rule" if recomputed_mask is not None else "none (all features)")}
    if model_mask is not None and recomputed_mask is not None:
        feature_checks["recomputed_mask_differs_from_model_on"] = int((model_mask != recomputed_mask).sum())
    used_expected = metrics.get("data", {}).get("features_used")
    if used_expected is not None and product_mask is not None and used_expected != int(product_mask.sum()):
        warn.append(f"the product's mask uses {int(product_mask.sum())} features, metrics.json says {used_expected}")
    if product_mask is not None and product_mask.shape[0] != X_train.shape[1]:
        raise InputError(f"the product's feature mask has {product_mask.shape[0]} entries, the embeddings "
                         f"{X_train.shape[1]}")
    mask = product_mask if (args.features == "product" and product_mask is not None) else np.ones(X_train.shape[1])
    feature_checks["features_used_by_references"] = int(mask.sum())
    X_train_raw, X_val_raw = X_train, X_val
    X_train, X_val = X_train * mask, X_val * mask

    # consistency with metrics.json
    per_class = {c: {"train": int((y_train == i).sum()), "validation": int((y_val == i).sum())}
                 for i, c in enumerate(classes)}
    checks = {"ok_rows": len(ok_paths), "error_rows": n_errors, "ok_rows_without_label": unlabeled,
              "ok_rows_with_unknown_label": sum(unknown.values()), **label_checks}
    expected_train = metrics.get("data", {}).get("trained")
    expected_val = metrics.get("validation", {}).get("rows")
    mismatches = []
    if expected_train is not None and expected_train != n_train:
        mismatches.append(f"n_train {n_train} != metrics.json data.trained {expected_train}")
    if expected_val is not None and expected_val != n_val:
        mismatches.append(f"n_validation {n_val} != metrics.json validation.rows {expected_val}")
    for c, counts in metrics.get("images_per_class", {}).items():
        mine = per_class.get(c)
        if mine is None or mine["train"] != counts.get("train") or mine["validation"] != counts.get("validation"):
            mismatches.append(f"class {c}: {mine} != metrics.json {counts}")
    checks["consistent_with_metrics_json"] = not mismatches
    checks["mismatches"] = mismatches
    warn.extend(mismatches)
    if len(np.unique(y_train)) < 2:
        raise InputError("fewer than two classes among the training rows")

    # sample weights: none, or the product's balanced class weights (over all labeled ok rows)
    if balanced:
        all_counts = np.bincount(np.concatenate([y_train, y_val]), minlength=k).astype(float)
        class_w = all_counts.sum() / (k * all_counts)
        w_train = class_w[y_train]
    else:
        w_train = np.ones(n_train)
    fit_kwargs = {"sample_weight": w_train}

    def reference(model, name, xt, xv):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(xt, y_train, **fit_kwargs)
        proba = model.predict_proba(xv)
        out = {"name": name, "reg_param": model.reg_param, "C": model.C_, "lbfgs_iterations": model.n_iter_,
               "converged": model.converged_, **scores(y_val, proba, k),
               "max_abs_prob_diff_vs_mllib": float(np.abs(proba - p_mllib).max()),
               "predictions_agreeing_with_mllib": int((np.argmax(proba, axis=1) == pred_mllib).sum())}
        return out, proba

    a_model = MllibLikeLogisticRegression(reg_param=reg_param, n_classes=k)
    ref_a, p_a = reference(a_model, "A: StandardScaler + LogisticRegression, C = 1/(n_train * regParam)", X_train, X_val)
    a_unb = MllibLikeLogisticRegression(reg_param=reg_param, unbiased_std=True, n_classes=k)
    ref_a_unb, p_a_unb = reference(a_unb, "A with MLlib's unbiased-std convention, C = (n_train-1)/(n_train^2 * regParam)",
                                   X_train, X_val)
    ref_a_all = None
    if mask.sum() < X_train.shape[1] and np.any(X_train_raw.std(axis=0) * (1 - mask) > 0):
        # the same fit on every feature: plain standardisation, no mask
        ref_a_all, _ = reference(MllibLikeLogisticRegression(reg_param=reg_param, n_classes=k),
                                 "A on all features (no mask), C = 1/(n_train * regParam)", X_train_raw, X_val_raw)

    # reference B: own selection
    if args.b_c_grid == "fixed":
        c_grid = [MllibLikeLogisticRegression(reg_param=r, n_classes=k).c_for(w_train, len(np.unique(y_train)))
                  for r in grid]
        param_grid = [{"reg_param": [r], "fixed_c": [c]} for r, c in zip(grid, c_grid)]
    else:
        param_grid = {"reg_param": grid}
    search = GridSearchCV(MllibLikeLogisticRegression(n_classes=k), param_grid, scoring="neg_log_loss",
                          cv=StratifiedKFold(args.folds, shuffle=True, random_state=0), refit=True, error_score="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # a class with fewer rows than folds
        search.fit(X_train, y_train, **fit_kwargs)
    b_model = search.best_estimator_
    p_b = b_model.predict_proba(X_val)
    # log_loss_std: the sample standard deviation over the folds (n-1), as metrics.json's curve
    ref_b = {"name": f"B: GridSearchCV over regParam grid ({args.b_c_grid} C), StratifiedKFold({args.folds}, "
                     "shuffle=True, random_state=0), neg_log_loss, refit on all training rows",
             "c_grid": args.b_c_grid, "reg_param": b_model.reg_param, "C": b_model.C_,
             "lbfgs_iterations": b_model.n_iter_, "converged": b_model.converged_, **scores(y_val, p_b, k),
             "max_abs_prob_diff_vs_mllib": float(np.abs(p_b - p_mllib).max()),
             "predictions_agreeing_with_mllib": int((np.argmax(p_b, axis=1) == pred_mllib).sum()),
             "curve": [{"reg_param": float(prm["reg_param"]),
                        **({"C": float(prm["fixed_c"])} if "fixed_c" in prm else {}),
                        "log_loss": float(-m), "log_loss_std": float(s * math.sqrt(args.folds / (args.folds - 1)))}
                       for prm, m, s in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"],
                                            search.cv_results_["std_test_score"])]}

    product_recomputed = scores(y_val, p_mllib, k)
    product_recomputed["predictions_match_argmax_of_probability"] = bool((np.argmax(p_mllib, axis=1) == pred_mllib).all())
    product = {"reg_param": reg_param,
               "accuracy": metrics.get("validation", {}).get("accuracy"),
               "macro_f1": metrics.get("validation", {}).get("macro_f1"),
               "log_loss": metrics.get("validation", {}).get("log_loss"),
               "recomputed_from_validation_table": product_recomputed,
               "mllib": mllib}

    # diagnostics: the two solutions under MLlib's own objective
    diagnostics = {}
    std_unb = X_train.std(axis=0, ddof=1) if not balanced else None
    same_features = product_mask is None or bool(np.array_equal(mask, product_mask))
    if model_data is not None and os.path.isdir(model_data) and std_unb is not None and same_features:
        loaded = read_mllib_model(model_data)
        if loaded is not None and loaded[0].shape == (k, X_train.shape[1]):
            coef_m, icpt_m = loaded
            p_from_model = softmax(X_val @ coef_m.T + icpt_m)
            obj = {"mllib_model": mllib_objective(X_train, y_train, w_train, coef_m, icpt_m, reg_param, std_unb)}
            beta_m = coef_m * std_unb
            beta_m -= beta_m.mean(axis=0)
            for key, model in (("reference_A", a_model), ("reference_A_unbiased_std", a_unb)):
                c, i = model.original_space(k)
                obj[key] = mllib_objective(X_train, y_train, w_train, c, i, reg_param, std_unb)
                beta = c * std_unb
                beta -= beta.mean(axis=0)
                diagnostics[f"max_abs_std_coef_diff_{key}_vs_mllib"] = float(np.abs(beta - beta_m).max())
            diagnostics.update({
                "max_abs_diff_validation_table_vs_mllib_model_probabilities": float(np.abs(p_from_model - p_mllib).max()),
                "mllib_objective_at": obj,
                "mllib_objective_excess_of_mllib_model_over_reference_A_unbiased_std":
                    obj["mllib_model"] - obj["reference_A_unbiased_std"],
                "std_coef_norm_mllib_model": float(np.linalg.norm(beta_m)),
                "max_abs_prob_diff_reference_A_vs_A_unbiased_std": float(np.abs(p_a - p_a_unb).max()),
            })

    checks["features"] = feature_checks
    if args.features == "all" and product_mask is not None and product_mask.sum() < len(product_mask):
        warn.append("--features all: the references use features the product left out, so their probabilities "
                    "are not expected to match MLlib's")
    return {
        "run": os.path.abspath(run_dir),
        "features": args.features,
        "embeddings": os.path.abspath(rows_dir),
        "label_source": label_source,
        "n_train": n_train,
        "n_validation": n_val,
        "classes": classes,
        "per_class": per_class,
        "class_weights": "balanced" if balanced else "none",
        "reference_A": ref_a,
        "reference_A_unbiased_std": ref_a_unb,
        **({"reference_A_all_features": ref_a_all} if ref_a_all else {}),
        "reference_B": ref_b,
        "product": product,
        "diagnostics": diagnostics,
        "checks": checks,
        "warnings": warn,
        "versions": {"python": sys.version.split()[0], "scikit-learn": sklearn.__version__, "numpy": np.__version__,
                     "pyarrow": pa.__version__},
    }


def summary(r, out):
    def line(name, m):
        return (f"  {name:<28} accuracy {m['accuracy']:.4f}  macro-F1 {m['macro_f1']:.4f}  "
                f"log loss {m['log_loss']:.4f}")

    print(f"run {r['run']}: {r['n_train']} training rows, {r['n_validation']} validation rows, "
          f"{len(r['classes'])} classes {r['classes']}", file=out)
    print(f"labels: {r['label_source']}", file=out)
    p = r["product"]
    print(f"  {'product (MLlib, metrics.json)':<28} accuracy {p['accuracy']:.4f}  macro-F1 {p['macro_f1']:.4f}  "
          f"log loss {p['log_loss']:.4f}  (regParam {p['reg_param']:g})", file=out)
    print(f"features: {r['features']} ({r['checks']['features']['features_used_by_references']} of "
          f"{r['checks']['features']['embedding_size']} used by the references; the product uses "
          f"{r['checks']['features']['product_features_used'] or r['checks']['features']['embedding_size']})", file=out)
    for key, label in (("reference_A", "A: same regParam"), ("reference_A_unbiased_std", "A, unbiased-std C"),
                       ("reference_A_all_features", "A on all features"), ("reference_B", "B: own selection")):
        m = r.get(key)
        if m is None:
            continue
        print(line(label, m) + f"  (regParam {m['reg_param']:g}, C {m['C']:.6g}; max |p - p_mllib| "
              f"{m['max_abs_prob_diff_vs_mllib']:.2e}; same prediction {m['predictions_agreeing_with_mllib']}/"
              f"{r['n_validation']})", file=out)
    for w in r["warnings"]:
        print(f"warning: {w}", file=out)


if __name__ == "__main__":
    sys.exit(main())
