#!/usr/bin/env python3
"""Makes a label table with known label noise from a folder per class, for checking what
scripts/curate.sh finds against what was planted (scripts/reference-curation.py --flipped).

    python3 scripts/make-noisy-labels.py --input <folder per class> --output <dir>
        [--noise 0.08] [--seed 1]

Writes
  * <dir>/labels.csv   path,label for every image (absolute paths, so the table can live anywhere;
                       curate.sh --labels takes it as it is);
  * <dir>/flipped.csv  path,true_label,noisy_label for the images whose label was changed.

Images: files with a png/jpg/jpeg/webp/gif/bmp extension (any case) at any depth below a class
folder, the first folder below --input; its name is the true label. Files directly in --input
(SOURCES.md, a licence) and other extensions are ignored. Hidden files and folders are skipped.
Noise: round(noise * images) images, drawn without replacement by random.Random(seed) from the
images sorted by path, each moved to a different class drawn uniformly from the others. The same
input, noise and seed give the same tables. Standard library only.
Exit status: 0 done; 2 bad arguments or an input with fewer than two classes.
"""
import argparse
import csv
import os
import random
import sys

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}


def images_per_class(root):
    """(absolute path, class) for every image below a class folder, sorted by path."""
    out = []
    for cls in sorted(os.listdir(root)):
        folder = os.path.join(root, cls)
        if cls.startswith(".") or not os.path.isdir(folder):
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if not name.startswith(".") and os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS:
                    out.append((os.path.join(dirpath, name), cls))
    return sorted(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="a folder per class")
    ap.add_argument("--output", required=True, help="folder for labels.csv and flipped.csv (created)")
    ap.add_argument("--noise", type=float, default=0.08, help="share of images whose label is changed (default 0.08)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    a = ap.parse_args(argv)
    if not 0 <= a.noise <= 1:
        print("--noise must be in [0, 1]", file=sys.stderr)
        return 2
    root = os.path.abspath(a.input)
    if not os.path.isdir(root):
        print(f"--input {a.input} is not a folder", file=sys.stderr)
        return 2
    images = images_per_class(root)
    classes = sorted({c for _, c in images})
    if len(classes) < 2:
        print(f"--input {a.input} has {len(classes)} class folder(s) with images; need at least 2", file=sys.stderr)
        return 2

    rng = random.Random(a.seed)
    n_flip = int(round(a.noise * len(images)))
    chosen = set(rng.sample(range(len(images)), n_flip))
    labels, flipped = [], []
    for i, (path, cls) in enumerate(images):
        label = cls
        if i in chosen:
            label = rng.choice([c for c in classes if c != cls])
            flipped.append((path, cls, label))
        labels.append((path, label))

    os.makedirs(a.output, exist_ok=True)
    with open(os.path.join(a.output, "labels.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "label"])
        w.writerows(labels)
    with open(os.path.join(a.output, "flipped.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "true_label", "noisy_label"])
        w.writerows(flipped)
    print(f"{len(images)} images in {len(classes)} classes; {len(flipped)} labels changed "
          f"(noise {a.noise}, seed {a.seed}) -> {os.path.join(a.output, 'labels.csv')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
