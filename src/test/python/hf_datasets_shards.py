"""Builds Parquet shards the way Hugging Face `datasets` writes them, for HuggingFaceDatasetsTest.

    hf_datasets_shards.py <out> <image>...

Each <image> is a file in <out>/images. Writes, with the library's own Image and ClassLabel features
and Dataset.to_parquet:
  <out>/labeled/train-0000{0,1}-of-00002.parquet  image (path only: bytes null) + label (ClassLabel, one
      class per row, named after the row): every image by its absolute path, then the first image by a
      path relative to the table's folder (../images/<name>), then an absolute path that does not exist
  <out>/embedded/train.parquet   the absolute-path rows with their bytes embedded (embed_table_storage)
  <out>/relative/train.parquet   image paths relative to <out>/images (for --image-base)
"""
import os
import sys

# Nothing here needs the Hub; keep the library off the network and out of the user's cache.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HOME"] = os.path.join(sys.argv[1], ".hf-home")

import datasets  # noqa: E402
from datasets import ClassLabel, Dataset, Features, Image  # noqa: E402
from datasets.table import embed_table_storage  # noqa: E402

# to_parquet sizes its row groups by stat-ing every image path unless given a batch size, and the
# missing file must stay in the table.
BATCH = 64


def write(ds, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ds.to_parquet(path, batch_size=BATCH)


def main(out, names):
    datasets.disable_progress_bars()
    images = os.path.join(out, "images")
    paths = [os.path.join(images, n) for n in names]
    paths += ["../images/" + names[0], os.path.join(images, "missing.jpg")]
    features = Features({"image": Image(), "label": ClassLabel(names=["class-%d" % i for i in range(len(paths))])})
    labeled = Dataset.from_dict({"image": paths, "label": list(range(len(paths)))}, features=features)
    for i in range(2):
        write(labeled.shard(num_shards=2, index=i, contiguous=True),
              os.path.join(out, "labeled", "train-%05d-of-00002.parquet" % i))

    absolute = Dataset.from_dict({"image": paths[:len(names)]}, features=Features({"image": Image()}))
    embedded = absolute.with_format("arrow").map(embed_table_storage, batched=True).with_format(None)
    write(embedded, os.path.join(out, "embedded", "train.parquet"))

    relative = Dataset.from_dict({"image": list(names)}, features=Features({"image": Image()}))
    write(relative, os.path.join(out, "relative", "train.parquet"))
    print("datasets", datasets.__version__, "wrote", len(paths), "labeled rows")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
