"""Writes the small real torch.save files that TorchCheckpointTest reads, and expected.json.

Run from this directory with a Python that has torch (the committed files were written by torch
2.13.0+cpu):

    python make-checkpoints.py

Every file is written under a fixed zip folder name (torch uses the file's stem), with a fixed
seed, so the output only changes when torch's serialization does. It also writes three files the reader must
refuse: legacy.pt, whole-model.pt and torchscript.pt. expected.json records, for
each file, where the tensors are (origin), the keys in file order and, per tensor, dtype, shape
and the values in row-major order converted to float32 the way the Java reader must convert
them (float16/bfloat16 exactly, float64 rounded to nearest). Integer tensors list their values
as integers; the reader's floats() refuses them.
"""
import json
import os
import pickle
import shutil
import zipfile

import torch
import torch.nn as nn


def tiny_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    # One training step so that the BatchNorm statistics and num_batches_tracked are not defaults.
    model.train()
    model(torch.randn(2, 3, 5, 5))
    return model


def expected_tensor(t):
    entry = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
    if t.dtype.is_floating_point:
        entry["values"] = [float(v) for v in t.detach().to(torch.float32).contiguous().reshape(-1).tolist()]
    else:
        entry["values"] = [int(v) for v in t.detach().contiguous().reshape(-1).tolist()]
    return entry


def expected(origin, tensors):
    return {"origin": origin, "keys": list(tensors.keys()),
            "tensors": {k: expected_tensor(v) for k, v in tensors.items()}}


def main():
    out = {}
    model = tiny_model()
    sd = model.state_dict()

    # 1. A bare state_dict: Conv2d + BatchNorm2d, float32, num_batches_tracked int64.
    torch.save(sd, "conv-bn.pt")
    out["conv-bn.pt"] = expected("state_dict", sd)

    # 2. A training checkpoint: epoch, state_dict, SGD optimizer state (momentum buffers are
    #    tensors too, lists of ints, floats, None, booleans), a float and a string.
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(2, 3, 5, 5)).sum().backward()
    opt.step()
    sd2 = model.state_dict()
    torch.save({"epoch": 3, "arch": "tiny", "best_acc": 0.75, "state_dict": sd2,
                "optimizer": opt.state_dict()}, "checkpoint.pt")
    out["checkpoint.pt"] = expected("checkpoint['state_dict']", sd2)

    # 3. float16 weights (model.half()): int64 num_batches_tracked stays int64.
    half = {k: v.half() if v.dtype.is_floating_point else v for k, v in sd.items()}
    torch.save(half, "half.pt")
    out["half.pt"] = expected("state_dict", half)

    # 4. nn.DataParallel's state_dict: every key starts with "module.", which the reader strips.
    dp = nn.DataParallel(model).state_dict()
    torch.save({"model_state_dict": dp, "epoch": 7}, "dataparallel.pt")
    out["dataparallel.pt"] = expected("checkpoint['model_state_dict']",
                                      {k[len("module."):]: v for k, v in dp.items()})

    # 5. Pickle protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL), the other float
    #    dtypes, a Parameter, a transposed (strided) view and a view at a storage offset (torch
    #    saves the whole storage and the view's offset and strides).
    torch.manual_seed(1)
    base = torch.randn(4, 3)
    mixed = {
        "bf16": torch.randn(5).to(torch.bfloat16),
        "f64": torch.randn(2, 2, dtype=torch.float64),
        "param": nn.Parameter(torch.randn(3)),
        "transposed": base.t(),
        "offset_row": base[2],
        "ints": torch.arange(4, dtype=torch.int32),
    }
    torch.save(mixed, "mixed-protocol4.pt", pickle_protocol=4)
    out["mixed-protocol4.pt"] = expected("state_dict", mixed)

    # Files the reader must refuse (no entry in expected.json): the legacy pre-1.6 format, a whole
    # pickled nn.Module (names torch.nn classes as globals) and a TorchScript archive.
    small = nn.Sequential(nn.Linear(2, 2))
    torch.save(small.state_dict(), "legacy.pt", _use_new_zipfile_serialization=False)
    torch.save(small, "whole-model.pt")
    torch.jit.save(torch.jit.script(small), "torchscript.pt")

    with open("expected.json", "w") as f:
        # One line per file keeps it small and diffable.
        f.write("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(v) for k, v in out.items()) + "\n}\n")


def fuzz_seeds():
    """The fuzz tests' seed corpora: whole files, and data.pkl alone (plus a few hand-made pickles)."""
    files = "TorchCheckpointFileFuzzTestInputs/file"
    pickles = "TorchCheckpointFuzzTestInputs/dataPkl"
    os.makedirs(files, exist_ok=True)
    os.makedirs(pickles, exist_ok=True)
    for stem in ["conv-bn", "checkpoint", "half", "dataparallel", "mixed-protocol4", "whole-model", "legacy",
                 "torchscript"]:
        shutil.copyfile(stem + ".pt", os.path.join(files, stem + ".pt"))
        if stem not in ("legacy", "torchscript"):
            with zipfile.ZipFile(stem + ".pt") as z, open(os.path.join(pickles, stem + ".pkl"), "wb") as f:
                f.write(z.read(stem + "/data.pkl"))
    hand_made = {
        "global-os-system.pkl": b"\x80\x02cos\nsystem\n(X\x02\x00\x00\x00idtR.",
        "stack-global-eval.pkl": b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93(\x8c\x011tR.",
        "protocol5-plain-data.pkl": pickle.dumps({"epoch": 3, "lst": [1.5, "x", 2 ** 70, -3, (1, 2)], "set": {1, 2},
                                                  "b": b"ab", "n": None, "t": True}, protocol=5),
    }
    for name, data in hand_made.items():
        with open(os.path.join(pickles, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
    fuzz_seeds()
