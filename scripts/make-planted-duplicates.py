#!/usr/bin/env python3
"""Plants near-duplicates into a labeled image set, for measuring curate.sh's duplicate search.

  make-planted-duplicates.py --input <folder per class> --output <new folder per class>
                             [--planted 40] [--seed 1] [--truth FILE] [--flat-classes a,b]

Copies every source image unchanged (byte for byte) into <output>/<class>/, then picks --planted
originals at random (--seed) and writes four copies of each next to it, in the same class folder:
  <stem>__resize.jpg    2/3 of the width and height (Lanczos), JPEG quality 90
  <stem>__jpeg60.jpg    the same pixels re-encoded as JPEG quality 60
  <stem>__crop.jpg      6 % cropped off each side, JPEG quality 90
  <stem>__bright.jpg    ImageEnhance.Brightness(1.15), JPEG quality 90
RGBA, LA and P (with transparency) images are composited onto white before JPEG.
The truth table (CSV: original_path,copy_path,kind; absolute paths) goes to --truth, default
<output>/../planted.csv.

--flat-classes a,b: the input is one flat folder of images (no classes); they are dealt into the
named pseudo-class folders alternately, in sorted name order.

Originals that are blank once composited onto white (RGB standard deviation < --blank-std, e.g. a
white logo on a transparent background; the product composites transparency onto white too) are not
planted: their copies would be identical blank images. --blank-std 0 plants them too.
"""
import argparse
import csv
import os
import random
import shutil
import sys

from PIL import Image, ImageEnhance

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff"}
KINDS = ("resize", "jpeg60", "crop", "bright")


def listed(folder):
    return sorted(f for f in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, f)) and os.path.splitext(f)[1].lower() in IMAGE_EXT)


def to_rgb(img):
    """RGB; anything with transparency composited onto white."""
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        img = img.convert("RGBA")
        white = Image.new("RGB", img.size, (255, 255, 255))
        white.paste(img, mask=img.getchannel("A"))
        return white
    if img.mode != "RGB":
        return img.convert("RGB")
    return img


def is_blank(path, max_std):
    """Near-constant once transparency is composited onto white."""
    try:
        with Image.open(path) as im:
            im.load()
            rgb = to_rgb(im)
    except Exception:
        return True
    from PIL import ImageStat
    return max(ImageStat.Stat(rgb).stddev) < max_std


def copies(img):
    w, h = img.size
    out = {}
    out["resize"] = (img.resize((max(1, round(w * 2 / 3)), max(1, round(h * 2 / 3))), Image.LANCZOS), 90)
    out["jpeg60"] = (img, 60)
    dx, dy = round(w * 0.06), round(h * 0.06)
    out["crop"] = (img.crop((dx, dy, w - dx, h - dy)), 90)
    out["bright"] = (ImageEnhance.Brightness(img).enhance(1.15), 90)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--planted", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--truth")
    ap.add_argument("--blank-std", type=float, default=2.0)
    ap.add_argument("--flat-classes", help="comma-separated pseudo-classes for a flat input folder")
    a = ap.parse_args()

    src = os.path.abspath(a.input)
    out = os.path.abspath(a.output)
    if os.path.exists(out) and os.listdir(out):
        sys.exit(f"{out} exists and is not empty")
    truth = os.path.abspath(a.truth) if a.truth else os.path.join(os.path.dirname(out), "planted.csv")

    # (class, source file) for every image
    items = []
    if a.flat_classes:
        classes = [c for c in a.flat_classes.split(",") if c]
        for i, f in enumerate(listed(src)):
            items.append((classes[i % len(classes)], os.path.join(src, f)))
    else:
        for c in sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))):
            for f in listed(os.path.join(src, c)):
                items.append((c, os.path.join(src, c, f)))
    if not items:
        sys.exit(f"no images under {src}")

    placed = []  # (class, destination path)
    for c, p in items:
        os.makedirs(os.path.join(out, c), exist_ok=True)
        dst = os.path.join(out, c, os.path.basename(p))
        shutil.copyfile(p, dst)
        placed.append((c, dst))

    candidates = list(range(len(placed)))
    if a.blank_std > 0:
        candidates = [i for i in candidates if not is_blank(placed[i][1], a.blank_std)]
        if len(candidates) < len(placed):
            print(f"{len(placed) - len(candidates)} blank-on-white images not planted")
    rng = random.Random(a.seed)
    picks = sorted(rng.sample(candidates, min(a.planted, len(candidates))))
    rows = []
    for i in picks:
        c, orig = placed[i]
        stem = os.path.splitext(os.path.basename(orig))[0]
        with Image.open(orig) as im:
            im.load()
            rgb = to_rgb(im)
        for kind, (img, quality) in copies(rgb).items():
            dst = os.path.join(out, c, f"{stem}__{kind}.jpg")
            img.save(dst, "JPEG", quality=quality)
            rows.append((orig, dst, kind))

    os.makedirs(os.path.dirname(truth), exist_ok=True)
    with open(truth, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["original_path", "copy_path", "kind"])
        w.writerows(rows)
    print(f"{len(placed)} source images, {len(picks)} planted originals, {len(rows)} copies -> {out}; truth {truth}")


if __name__ == "__main__":
    main()
