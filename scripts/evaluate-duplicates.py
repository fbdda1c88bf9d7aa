#!/usr/bin/env python3
"""Scores curate.sh's near-duplicate search against planted duplicates (make-planted-duplicates.py).

  evaluate-duplicates.py --run <curate output> --truth planted.csv [--pca 32,64,128] [--dhash]
                         [--grid] [--lsh-sim] [--json FILE]

Brute force over ALL pairs of the run's ok embeddings (<run>/embeddings/rows, or --embeddings):
  raw       cosine of the embeddings as they are
  centred   cosine after subtracting the mean embedding (what curate measures)
  pcaK      centred, projected on the top K principal components of the centred embeddings
            (numpy's exact PCA; an earlier curate used MLlib's), cosine
  dhash     (--dhash) 64-bit difference hash of a 9x8 grayscale (transparency on white), Hamming
            distance <= D for D in 0..16; read from the image files
A pair is true when both images are one planted original or its copies (original-copy and
copy-copy). A method predicts every pair at or above a threshold ("pairs"), and, since curate's
groups are connected components, also every pair joined by a chain of such pairs ("cc").
Precision and recall are over the planted pairs; pairs of unplanted images that a method calls
duplicates count against precision (the top ones are listed: natural near-duplicates show up there).

The run's own duplicates/ table is scored too (every pair within a group), and compared with the
brute force at the run's own threshold (from curation.json): the LSH recall loss.

Pairs of two images that are blank once composited onto white (RGB std < --blank-std; the product
composites transparency onto white, so they are the same picture to it) are left out of the scoring.

--natural FILE: a CSV (a,b) of image name stems (file name without extension; a planted copy counts
as its original) whose pairs are natural near-duplicates of the source set (e.g. one artwork in two
aspect ratios): their pairs are left out of the scoring too. Without it they count as false positives.

--grid     every (pca in 0,16,32,64,128,256) x threshold: which meet --target P and R (cc pairs)
--lsh-sim  simulates MLlib's BucketedRandomProjectionLSH (floor(x.r / w), random unit r, tables
           ORed) over bucket lengths and table counts at the run's (or --sim-pca/--sim-threshold)
           settings: mean recall of the brute-force pairs, planted recall after cc, candidate pairs
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

KINDS = ("resize", "jpeg60", "crop", "bright")


def norm_path(p):
    if p.startswith("file://"):
        p = p[len("file://"):]
    elif p.startswith("file:"):
        p = p[len("file:"):]
    return os.path.normpath(p)


def load_embeddings(rows_dir):
    df = pd.read_parquet(rows_dir)
    ok = df[(df["status"] == "ok") & df["embedding"].notna()]
    paths, vecs = [], []
    for p, e in zip(ok["path"], ok["embedding"]):
        if e["type"] == 1:
            v = np.asarray(e["values"], dtype=np.float64)
        else:
            v = np.zeros(e["size"], dtype=np.float64)
            v[np.asarray(e["indices"], dtype=np.int64)] = e["values"]
        paths.append(norm_path(p))
        vecs.append(v)
    order = np.argsort(paths)
    return [paths[i] for i in order], np.stack([vecs[i] for i in order]), len(df) - len(ok)


def unit(x):
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(n == 0, 1, n)


def reduce(x, pca):
    """Centred (and PCA-reduced when pca > 0) vectors, as NearDuplicates.unitVectors, normalised."""
    c = x - x.mean(axis=0)
    if pca and pca > 0:
        k = min(pca, max(1, len(x) - 1))
        # principal axes of the covariance = right singular vectors of the centred matrix
        _, _, vt = np.linalg.svd(c, full_matrices=False)
        c = c @ vt[:k].T
    return unit(c)


def on_white(path):
    from PIL import Image
    with Image.open(path) as im:
        im.seek(0)
        im.load()
        if im.mode == "P":
            im = im.convert("RGBA")
        if im.mode in ("RGBA", "LA", "PA"):
            im = im.convert("RGBA")
            bg = Image.new("RGB", im.size, (255, 255, 255))
            bg.paste(im, mask=im.getchannel("A"))
            im = bg
        return im.convert("RGB")


def is_blank(path, max_std):
    from PIL import ImageStat
    return max(ImageStat.Stat(on_white(path)).stddev) < max_std


def dhash(path):
    from PIL import Image
    g = np.asarray(on_white(path).convert("L").resize((9, 8), Image.LANCZOS), dtype=np.int16)
    bits = (g[:, 1:] > g[:, :-1]).flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


class Pairs:
    """Upper-triangle pair indexing and the truth masks."""

    def __init__(self, paths, truth_rows):
        self.paths = paths
        self.n = len(paths)
        self.iu, self.ju = np.triu_indices(self.n, 1)
        idx = {p: i for i, p in enumerate(paths)}
        group = np.full(self.n, -1)
        kind = np.array(["unplanted"] * self.n, dtype=object)
        missing = 0
        origs = {}
        for o, c, k in truth_rows:
            if o not in idx or c not in idx:
                missing += 1
                continue
            g = origs.setdefault(o, len(origs))
            group[idx[o]] = g
            group[idx[c]] = g
            kind[idx[o]] = "original"
            kind[idx[c]] = k
        self.missing = missing
        self.group = group
        gi, gj = group[self.iu], group[self.ju]
        self.true = (gi >= 0) & (gi == gj)
        ki, kj = kind[self.iu], kind[self.ju]
        self.kind_masks = {}
        for k in KINDS:
            self.kind_masks[k] = self.true & (((ki == "original") & (kj == k)) | ((kj == "original") & (ki == k)))
        self.kind_masks["copy-copy"] = self.true & (ki != "original") & (kj != "original")
        self.n_true = int(self.true.sum())
        self.n_orig = len(origs)
        self.valid = np.ones(len(self.iu), dtype=bool)

    def ignore_among(self, flags):
        """Leaves out of the scoring every pair of two flagged images."""
        self.ignore_pairs(flags[self.iu] & flags[self.ju])

    def ignore_pairs(self, mask):
        self.valid &= ~mask
        self.true &= self.valid
        for k in self.kind_masks:
            self.kind_masks[k] &= self.valid
        self.n_true = int(self.true.sum())

    def score(self, pred):
        pred = pred & self.valid
        tp = int((pred & self.true).sum())
        npred = int(pred.sum())
        p = tp / npred if npred else 1.0
        r = tp / self.n_true if self.n_true else float("nan")
        kinds = {k: float((pred & m).sum() / m.sum()) if m.sum() else float("nan") for k, m in self.kind_masks.items()}
        return {"P": p, "R": r, "tp": tp, "pred": npred, "kinds": kinds}

    def cc(self, adj_pred):
        """Pairs within the connected components of the graph of predicted pairs."""
        e = np.flatnonzero(adj_pred)
        g = csr_matrix((np.ones(len(e)), (self.iu[e], self.ju[e])), shape=(self.n, self.n))
        _, lab = connected_components(g, directed=False)
        return lab[self.iu] == lab[self.ju]

    def from_labels(self, lab):
        return lab[self.iu] == lab[self.ju]


def sweep(pairs, sim, thresholds, higher_is_closer=True):
    out = []
    for t in thresholds:
        pred = sim >= t if higher_is_closer else sim <= t
        out.append({"t": float(t), "pairs": pairs.score(pred), "cc": pairs.score(pairs.cc(pred))})
    return out


def best(rows, key, min_recall=0.9):
    ok = [r for r in rows if r[key]["R"] >= min_recall]
    if not ok:
        return None
    return max(ok, key=lambda r: (r[key]["P"], r[key]["R"]))


def meets(rows, key, target):
    return [r["t"] for r in rows if r[key]["P"] >= target and r[key]["R"] >= target]


def fmt_pr(s):
    return f"{s['P']:.2f}/{s['R']:.2f}"


def fmt_kinds(s):
    return " ".join(f"{k}={v:.2f}" for k, v in s["kinds"].items())


def ranges(ts):
    if not ts:
        return "-"
    return f"{min(ts):g}..{max(ts):g}" if len(ts) > 1 else f"{ts[0]:g}"


def print_method(name, rows, shows, target, unit_label="t"):
    print(f"\n== {name}")
    for key in ("pairs", "cc"):
        b = best(rows, key)
        head = (f"  {key:5s} best {unit_label}(R>=0.9, max P)="
                + (f"{b['t']:g} P/R={fmt_pr(b[key])} [{fmt_kinds(b[key])}]" if b else "none reaches R>=0.9"))
        m = max(rows, key=lambda r: min(r[key]["P"], r[key]["R"]))
        print(head + f"; max min(P,R) at {unit_label}={m['t']:g}: {fmt_pr(m[key])}")
        at = {r["t"]: r for r in rows}
        print("        P/R at " + "  ".join(f"{t:g}:{fmt_pr(at[t][key])}" for t in shows if t in at)
              + f"   P&R>={target:g} at {unit_label}={ranges(meets(rows, key, target))}")


def top_false(pairs, sim, k=8):
    fp = np.flatnonzero(~pairs.true)
    top = fp[np.argsort(-sim[fp])[:k]]
    return [(pairs.paths[pairs.iu[i]], pairs.paths[pairs.ju[i]], float(sim[i])) for i in top]


def short(p, root):
    return os.path.relpath(p, root) if root else p


def lsh_sim(u, sim, pairs, threshold, widths, tables_list, trials, seed):
    """Mean over trials of: recall of brute-force pairs >= threshold; planted P/R after cc; candidates."""
    rng = np.random.default_rng(seed)
    bf = sim >= threshold
    n_bf = int(bf.sum())
    out = []
    for w in widths:
        for nt in tables_list:
            rec, pr, rr, cand = [], [], [], []
            for _ in range(trials):
                r = rng.standard_normal((u.shape[1], nt))
                r /= np.linalg.norm(r, axis=0, keepdims=True)
                h = np.floor(u @ r / w).astype(np.int64)
                same = np.zeros(len(pairs.iu), dtype=bool)
                c = 0
                for t in range(nt):
                    eq = h[pairs.iu, t] == h[pairs.ju, t]
                    c += int(eq.sum())
                    same |= eq
                found = bf & same
                rec.append(found.sum() / n_bf if n_bf else 1.0)
                s = pairs.score(pairs.cc(found))
                pr.append(s["P"])
                rr.append(s["R"])
                cand.append(c)
            out.append({"w": w, "tables": nt, "bf_recall": float(np.mean(rec)), "bf_recall_min": float(np.min(rec)),
                        "P": float(np.mean(pr)), "R": float(np.mean(rr)), "R_min": float(np.min(rr)),
                        "candidates": float(np.mean(cand))})
    return n_bf, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--embeddings", help="default <run>/embeddings/rows")
    ap.add_argument("--pca", default="32,64,128")
    ap.add_argument("--dhash", action="store_true")
    ap.add_argument("--grid", action="store_true")
    ap.add_argument("--lsh-sim", action="store_true")
    ap.add_argument("--sim-pca", type=int)
    ap.add_argument("--sim-threshold", type=float)
    ap.add_argument("--sim-widths", default="0.25,0.5,0.75,1.0,1.5,2.0")
    ap.add_argument("--sim-tables", default="1,2,4,8,16")
    ap.add_argument("--sim-trials", type=int, default=30)
    ap.add_argument("--target", type=float, default=0.9)
    ap.add_argument("--blank-std", type=float, default=2.0, help="0: score blank-blank pairs too")
    ap.add_argument("--product-unit", help="CSV path,v1,v2,... of the product's own unit vectors "
                    "(DumpUnitVectors.java): the LSH loss is then measured against a brute force on them")
    ap.add_argument("--natural", help="CSV a,b of name stems: natural near-duplicate pairs, not scored")
    ap.add_argument("--combo", action="store_true", help="with --dhash: pcaK cosine >= t OR dhash <= D")
    ap.add_argument("--json")
    a = ap.parse_args()

    run = os.path.abspath(a.run)
    rows_dir = a.embeddings or os.path.join(run, "embeddings", "rows")
    if not os.path.exists(rows_dir):
        sys.exit(f"{rows_dir} missing: a run made with --cache keeps its embeddings there; pass --embeddings <cache>/rows")
    paths, x, not_ok = load_embeddings(rows_dir)
    with open(a.truth, newline="") as f:
        truth = [(norm_path(r["original_path"]), norm_path(r["copy_path"]), r["kind"]) for r in csv.DictReader(f)]
    pairs = Pairs(paths, truth)
    root = os.path.dirname(os.path.commonpath(paths)) if paths else None
    conf = {}
    cj = os.path.join(run, "curation.json")
    if os.path.exists(cj):
        with open(cj) as f:
            cur = json.load(f)
        conf = cur.get("duplicates") or {}
        seconds = cur.get("seconds") or {}
    else:
        seconds = {}
    run_thr = conf.get("near_duplicate_similarity", 0.9)
    run_pca = conf.get("pca_dimensions", 0)  # the product no longer reduces (docs/curation.md): 0 = centred only
    print(f"run {run}: {pairs.n} ok embeddings ({not_ok} not ok), {len(pairs.iu)} pairs; "
          f"{pairs.n_orig} planted originals, {pairs.n_true} true pairs"
          + (f"; {pairs.missing} truth rows not among the ok embeddings" if pairs.missing else ""))
    if a.blank_std > 0:
        flags = np.array([is_blank(p, a.blank_std) for p in paths])
        pairs.ignore_among(flags)
        if flags.any():
            print(f"{int(flags.sum())} images blank on white; {int((~pairs.valid).sum())} pairs among them not scored; "
                  f"{pairs.n_true} true pairs scored: " + ", ".join(short(p, root) for p in np.array(paths)[flags][:8])
                  + (" ..." if flags.sum() > 8 else ""))
    if a.natural:
        def family(p):
            stem = os.path.splitext(os.path.basename(p))[0]
            for k in KINDS:
                if stem.endswith("__" + k):
                    return stem[: -len(k) - 2]
            return stem
        fam = np.array([family(p) for p in paths], dtype=object)
        mask = np.zeros(len(pairs.iu), dtype=bool)
        with open(a.natural, newline="") as f:
            for r in csv.reader(f):
                if len(r) < 2 or r[0] == "a":
                    continue
                fa, fb = fam[pairs.iu], fam[pairs.ju]
                mask |= ((fa == r[0]) & (fb == r[1])) | ((fa == r[1]) & (fb == r[0]))
        before = pairs.n_true
        pairs.ignore_pairs(mask & ~pairs.true)
        print(f"--natural: {int(mask.sum())} pairs of natural near-duplicates not scored")
    print(f"run's settings: {json.dumps(conf)}; seconds: {json.dumps(seconds)}")

    thresholds = np.round(np.arange(0.70, 0.9901, 0.01), 2)
    shows = [0.8, 0.85, 0.9, 0.95]
    report = {"run": run, "n": pairs.n, "true_pairs": pairs.n_true, "settings": conf, "seconds": seconds, "methods": {}}

    methods = {"raw": unit(x), "centred": reduce(x, 0)}
    for k in [int(s) for s in a.pca.split(",") if s]:
        methods[f"pca{k}"] = reduce(x, k)
    sims = {}
    for name, u in methods.items():
        s = (u @ u.T)[pairs.iu, pairs.ju]
        sims[name] = s
        rows = sweep(pairs, s, thresholds)
        report["methods"][name] = rows
        print_method(name + " cosine", rows, shows, a.target)

    ham = None
    if a.dhash:
        h = np.array([dhash(p) for p in paths], dtype=np.uint64)
        ham = np.bitwise_count(h[pairs.iu] ^ h[pairs.ju]).astype(np.int64)
        rows = sweep(pairs, ham, list(range(0, 17)), higher_is_closer=False)
        report["methods"]["dhash"] = rows
        print_method("dhash (Hamming <= D)", rows, [0, 4, 8, 12, 16], a.target, unit_label="D")
        if a.combo:
            for name in [m for m in sims if m.startswith("pca") or m == "centred"]:
                for dmax in (4, 6, 8, 10):
                    rows = []
                    for t in thresholds:
                        pred = (sims[name] >= t) | (ham <= dmax)
                        rows.append({"t": float(t), "pairs": pairs.score(pred), "cc": pairs.score(pairs.cc(pred))})
                    report["methods"][f"{name}|dhash<={dmax}"] = rows
                    print_method(f"{name} cosine >= t OR dhash <= {dmax}", rows, shows, a.target)

    # the product's own table
    dup_dir = os.path.join(run, "duplicates")
    if os.path.exists(dup_dir):
        d = pd.read_parquet(dup_dir)
        idx = {p: i for i, p in enumerate(paths)}
        lab = np.arange(pairs.n) + pairs.n  # singletons
        unknown = 0
        for g, p in zip(d["group_id"], d["path"]):
            i = idx.get(norm_path(p))
            if i is None:
                unknown += 1
            else:
                lab[i] = g
        prod = pairs.from_labels(lab)
        s = pairs.score(prod)
        ngroups = d["group_id"].nunique()
        sizes = d.groupby("group_id").size()
        print(f"\n== product duplicates/ table ({ngroups} groups, {len(d)} rows, largest {sizes.max() if len(sizes) else 0}"
              + (f", {unknown} paths not among ok embeddings" if unknown else "") + ")")
        print(f"  P/R={fmt_pr(s)} (tp {s['tp']} of {s['pred']} predicted pairs) [{fmt_kinds(s)}]")
        bf_name = "centred" if not run_pca else f"pca{run_pca}"
        if bf_name not in sims:
            sims[bf_name] = (lambda u: (u @ u.T)[pairs.iu, pairs.ju])(reduce(x, run_pca))
        bf_sim = sims[bf_name]
        if a.product_unit:
            with open(a.product_unit) as f:
                pu = {norm_path(l.split(",", 1)[0]): np.array(l.rstrip().split(",")[1:], dtype=np.float64) for l in f if l.strip()}
            U = np.stack([pu[p] for p in paths])
            bf_sim = (U @ U.T)[pairs.iu, pairs.ju]
            bf_name = "product's unit vectors"
        bf = bf_sim >= run_thr - 1e-9
        bfcc = pairs.cc(bf)
        miss_pairs = bf & ~prod
        miss_cc = bfcc & ~prod
        extra = prod & ~bfcc
        sbf = pairs.score(bfcc)
        print(f"  brute force {bf_name} >= {run_thr:g}: {int(bf.sum())} pairs, {int(bfcc.sum())} after cc, P/R(cc)={fmt_pr(sbf)}")
        print(f"  LSH loss: {int(miss_pairs.sum())} of {int(bf.sum())} brute-force pairs not in one product group "
              f"({int((miss_pairs & pairs.true).sum())} of them planted); after cc {int(miss_cc.sum())} of {int(bfcc.sum())} "
              f"({int((miss_cc & pairs.true).sum())} planted); product pairs outside brute-force cc: {int(extra.sum())}")
        # the product's own member-to-representative similarity against the brute force's
        ri = np.array([idx.get(norm_path(p), -1) for p in d["representative"]])
        mi = np.array([idx.get(norm_path(p), -1) for p in d["path"]])
        okr = (ri >= 0) & (mi >= 0) & (ri != mi)
        if okr.any():
            ub = U if a.product_unit else reduce(x, run_pca)
            mine = np.einsum("ij,ij->i", ub[mi[okr]], ub[ri[okr]])
            dev = float(np.abs(d["similarity"].to_numpy()[okr] - mine).max())
            print(f"  product similarity vs brute force {bf_name} (member to representative): max |diff| {dev:.2e}"
                  + ("  <-- the product's projection differs from the exact PCA (see report)" if dev > 1e-6 else ""))
        report["product"] = {"score": s, "bf": bf_name, "bf_pairs": int(bf.sum()), "bf_cc": sbf,
                             "missed_pairs": int(miss_pairs.sum()), "missed_planted": int((miss_pairs & pairs.true).sum()),
                             "missed_cc": int(miss_cc.sum()), "extra": int(extra.sum())}
        fn = np.flatnonzero(pairs.true & ~prod)
        if len(fn):
            print("  missed planted pairs (first 8, brute-force sim):")
            for i in fn[np.argsort(-bf_sim[fn])][:8]:
                print(f"    {bf_sim[i]:.3f} {short(paths[pairs.iu[i]], root)}  {short(paths[pairs.ju[i]], root)}")
        print(f"  top unplanted pairs by {bf_name} cosine (false positives when above the threshold):")
        for p, q, v in top_false(pairs, np.where(pairs.valid, bf_sim, -2), 6):
            print(f"    {v:.3f} {short(p, root)}  {short(q, root)}")

    if a.grid:
        print(f"\n== grid: pca x threshold meeting P>={a.target} and R>={a.target} (pairs / cc)")
        grid = {}
        for k in (0, 16, 32, 64, 128, 256):
            name = "centred" if k == 0 else f"pca{k}"
            if name not in sims:
                u = reduce(x, k)
                sims[name] = (u @ u.T)[pairs.iu, pairs.ju]
            rows = sweep(pairs, sims[name], thresholds)
            grid[k] = rows
            bp, bc = best(rows, "pairs"), best(rows, "cc")
            print(f"  pca {k:3d}: pairs t={ranges(meets(rows, 'pairs', a.target)):10s} cc t={ranges(meets(rows, 'cc', a.target)):10s}"
                  f" best(cc) " + (f"t={bc['t']:g} {fmt_pr(bc['cc'])}" if bc else "-")
                  + "  at 0.9 cc " + fmt_pr(next(r for r in rows if r['t'] == 0.9)["cc"]))
        report["grid"] = {str(k): v for k, v in grid.items()}

    if a.lsh_sim:
        k = a.sim_pca if a.sim_pca is not None else run_pca
        t = a.sim_threshold if a.sim_threshold is not None else run_thr
        u = reduce(x, k)
        s = (u @ u.T)[pairs.iu, pairs.ju]
        n_bf, res = lsh_sim(u, s, pairs, t, [float(v) for v in a.sim_widths.split(",")],
                            [int(v) for v in a.sim_tables.split(",")], a.sim_trials, 12345)
        print(f"\n== simulated BucketedRandomProjectionLSH at pca {k}, threshold {t:g} ({n_bf} brute-force pairs, "
              f"{a.sim_trials} seeds): bf recall mean/min, planted P/R after cc (mean, R min), candidate pairs")
        for r in res:
            print(f"  w={r['w']:<5g} tables={r['tables']:<3d} bf recall {r['bf_recall']:.3f}/{r['bf_recall_min']:.3f}"
                  f"  P/R {r['P']:.2f}/{r['R']:.2f} (Rmin {r['R_min']:.2f})  candidates {r['candidates']:.0f}")
        report["lsh_sim"] = {"pca": k, "threshold": t, "rows": res}

    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
