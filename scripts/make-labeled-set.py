#!/usr/bin/env python3
"""Renders the labeled image test set (src/test/data/labeled/, see its SOURCES.md).

    python3 scripts/make-labeled-set.py <out-dir> [--font FILE] [--emoji-test FILE]

Draws emoji of Noto Color Emoji (Debian package fonts-noto-color-emoji, SIL OFL 1.1) onto opaque
backgrounds and writes <out-dir>/<class>/<name>.jpg (torchvision ImageFolder layout): 128x128 RGB
JPEG, quality 90. Classes come from the Unicode emoji groups and subgroups in emoji-test.txt (Debian
package unicode-data); every image is a different emoji (no two images of one glyph), so train and
validation splits cannot share a source picture. Names are the code points, FE0F dropped:
u1f431.jpg, u1f1e6_1f1e8.jpg (a flag).

Deterministic: the choice of emoji, the background colour and the glyph's size and position derive
from SEED and the emoji's name only (sha256, no dependence on the Python version's random module),
so the same font, emoji-test.txt and Pillow (same libjpeg, FreeType, raqm) give byte-identical files.
Needs Python 3 and Pillow with raqm (the PyPI wheels bundle it): flags and keycaps are ligatures.
Existing <out-dir>/<class>/ folders are emptied of *.jpg first; other files in <out-dir> are kept.
"""
import argparse
import colorsys
import hashlib
import os
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFont, features

SEED = "sparkimage-labeled-v1"
SIZE = 128            # output side, pixels
PER_CLASS = 64        # at most this many emoji per class (a seeded choice where a class has more)
FONT_SIZE = 109       # Noto Color Emoji is a CBDT bitmap font with a single 109 px strike
QUALITY = 90

# class -> (group, subgroups) of emoji-test.txt; subgroups None = every subgroup of the group
CLASSES = {
    "animal": ("Animals & Nature", {"animal-mammal", "animal-bird", "animal-amphibian",
                                    "animal-reptile", "animal-marine", "animal-bug"}),
    "face": ("Smileys & Emotion", {"face-smiling", "face-affection", "face-tongue", "face-hand",
                                   "face-neutral-skeptical", "face-sleepy", "face-unwell",
                                   "face-hat", "face-glasses", "face-concerned", "face-negative"}),
    "flag": ("Flags", {"country-flag"}),
    "food": ("Food & Drink", {"food-fruit", "food-vegetable", "food-prepared", "food-asian",
                              "food-marine", "food-sweet"}),
    "symbol": ("Symbols", {"alphanum", "keycap", "av-symbol"}),
    "vehicle": ("Travel & Places", {"transport-ground", "transport-water", "transport-air"}),
}
# emoji of those subgroups that are not a picture of the class (vehicle: roads, signs, fuel...)
EXCLUDE = {
    "paw prints", "spider web", "feather", "wing", "skull and crossbones",
    "station", "bus stop", "motorway", "railway track", "oil drum", "fuel pump", "wheel",
    "police car light", "horizontal traffic light", "vertical traffic light", "stop sign",
    "construction", "roller skate", "anchor", "ring buoy", "parachute", "seat",
}


def read_emoji_test(path):
    """(group, subgroup, code points, name) of each fully-qualified emoji without a ZWJ or skin tone."""
    out, group, subgroup = [], None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# group:"):
                group = line[len("# group:"):].strip()
            elif line.startswith("# subgroup:"):
                subgroup = line[len("# subgroup:"):].strip()
            elif line.strip() and not line.startswith("#"):
                cps, rest = line.split(";", 1)
                status, comment = rest.split("#", 1)
                if status.strip() != "fully-qualified":
                    continue
                cps = [int(c, 16) for c in cps.split()]
                if 0x200D in cps or any(0x1F3FB <= c <= 0x1F3FF for c in cps):
                    continue  # ZWJ sequences and skin tones are variants of another glyph
                # comment: "<emoji> E<version> <name>"
                name = comment.strip().split(" ", 2)[2]
                out.append((group, subgroup, cps, name))
    return out


def digest(*parts):
    return hashlib.sha256("\0".join((SEED,) + parts).encode("utf-8")).digest()


def unit(h, i):
    """The i-th number in [0, 1) of digest h (4 bytes each)."""
    return int.from_bytes(h[4 * i:4 * i + 4], "big") / 2 ** 32


def file_name(cps):
    return "u" + "_".join("%x" % c for c in cps if c != 0xFE0F)


def render_glyph(font, text):
    """The emoji as an RGBA image cropped to its pixels, or None when the font draws nothing."""
    canvas = Image.new("RGBA", (FONT_SIZE * 4, FONT_SIZE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((FONT_SIZE // 2, FONT_SIZE // 2), text, font=font,
                                embedded_color=True)
    box = canvas.getchannel("A").getbbox()
    return canvas.crop(box) if box else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder (class folders are written under it)")
    ap.add_argument("--font", default="/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
    ap.add_argument("--emoji-test", default="/usr/share/unicode/emoji/emoji-test.txt")
    args = ap.parse_args()
    if not features.check("raqm"):
        sys.exit("Pillow without raqm cannot shape flag and keycap ligatures")

    font = ImageFont.truetype(args.font, FONT_SIZE, layout_engine=ImageFont.Layout.RAQM)
    # what the font draws for what it lacks, to recognise missing emoji: .notdef (for Noto Color
    # Emoji: nothing) and the white flag with a question mark of an unknown region ("AA")
    missing = [g for g in (render_glyph(font, "\U0010FFFD"),
                           render_glyph(font, "\U0001F1E6\U0001F1E6")) if g is not None]
    # a glyph is about as wide as high; a sequence the font does not join draws several
    one_glyph = render_glyph(font, "\U0001F600")
    max_width = one_glyph.width * 1.3

    emoji = read_emoji_test(args.emoji_test)
    counts = {}
    for cls, (group, subgroups) in sorted(CLASSES.items()):
        candidates = []
        for g, sg, cps, name in emoji:
            if g != group or sg not in subgroups or name in EXCLUDE:
                continue
            text = "".join(map(chr, cps))
            glyph = render_glyph(font, text)
            if glyph is None or glyph.width > max_width or any(
                    glyph.size == m.size and ImageChops.difference(glyph, m).getbbox() is None
                    for m in missing):
                print("skipped (not in the font): %s %s" % (file_name(cps), name), file=sys.stderr)
                continue
            candidates.append((cps, name, glyph))
        # a seeded choice, independent of the order and of the other classes
        candidates.sort(key=lambda c: digest("pick", cls, c[1]))
        chosen = sorted(candidates[:PER_CLASS], key=lambda c: c[0])

        folder = os.path.join(args.out, cls)
        os.makedirs(folder, exist_ok=True)
        for f in os.listdir(folder):
            if f.endswith(".jpg"):
                os.remove(os.path.join(folder, f))
        for cps, name, glyph in chosen:
            h = digest("render", cls, name)
            # background: any hue, pale to moderately saturated, light to mid brightness
            r, g, b = colorsys.hsv_to_rgb(unit(h, 0), 0.05 + 0.35 * unit(h, 1),
                                          0.70 + 0.30 * unit(h, 2))
            img = Image.new("RGB", (SIZE, SIZE), (round(r * 255), round(g * 255), round(b * 255)))
            # glyph: longest side 72..112 px, anywhere inside the image
            side = 72 + int(41 * unit(h, 3))
            scale = side / max(glyph.size)
            w, h2 = max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))
            small = glyph.resize((w, h2), Image.Resampling.LANCZOS)
            x = int((SIZE - w + 1) * unit(h, 4))
            y = int((SIZE - h2 + 1) * unit(h, 5))
            img.paste(small, (x, y), small)
            img.save(os.path.join(folder, file_name(cps) + ".jpg"), "JPEG", quality=QUALITY,
                     optimize=False, progressive=False, subsampling="4:2:0")
        counts[cls] = len(chosen)
    for cls, n in counts.items():
        print("%-8s %d" % (cls, n))
    print("total    %d" % sum(counts.values()))


if __name__ == "__main__":
    main()
