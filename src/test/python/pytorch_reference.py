"""Builds MobileNetV2s in PyTorch and saves what the product's import must reproduce.

    python pytorch_reference.py --out DIR [--dynamo] CASE [CASE ...]
    python pytorch_reference.py --out DIR --param-table W[,W...]

A CASE is layout:width:resolution:classes, layout 'seed' (the seed design's own classes,
seed_mobilenetv2.py) or 'torchvision' (torchvision's module layout, torchvision_mobilenetv2.py).
Each case gets DIR/<case>/ with
  state_dict.pt    torch.save(model.state_dict())
  checkpoint.pt    torch.save({'epoch': 3, 'state_dict': ..., 'optimizer': ...}) (a full training checkpoint)
  model.onnx       torch.onnx.export(..., dynamo=False), the TorchScript-based exporter
  model-dynamo.onnx  the torch.export-based exporter, with --dynamo (needs onnxscript)
  input.bin        float32 little-endian NCHW input batch
  logits.bin, probs.bin  the eval-mode forward pass on it and its softmax, float32 little-endian
  case.json        the case, the parameter count and the channel counts
Weights are seeded; BatchNorm gets non-trivial gamma, beta, running mean and variance.
--param-table writes DIR/param-table.json: parameters and stage channels of both layouts at each width.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_mobilenetv2  # noqa: E402
import torchvision_mobilenetv2  # noqa: E402

BATCH = 4
LAYOUTS = {'seed': seed_mobilenetv2.MobileNetV2, 'torchvision': torchvision_mobilenetv2.MobileNetV2}


def build(layout, width, classes, seed):
    torch.manual_seed(seed)
    model = LAYOUTS[layout](num_classes=classes, width_mult=width)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 2.0)
    return model.eval()


def channels(model):
    """Output channels of every conv, in module order."""
    return [m.out_channels for m in model.modules() if isinstance(m, torch.nn.Conv2d)]


def params(model):
    return sum(p.numel() for p in model.parameters())


def write_floats(path, tensor):
    tensor.detach().contiguous().to(torch.float32).numpy().astype('<f4').tofile(path)


def save_case(out, spec, dynamo):
    layout, width, resolution, classes = spec.split(':')
    width, resolution, classes = float(width), int(resolution), int(classes)
    seed = int(width * 1000) + resolution + classes
    model = build(layout, width, classes, seed)
    d = os.path.join(out, spec.replace(':', '-'))
    os.makedirs(d, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(d, 'state_dict.pt'))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    torch.save({'epoch': 3, 'arch': 'mobilenet_v2', 'best_acc1': 0.5, 'state_dict': model.state_dict(),
                'optimizer': optimizer.state_dict()}, os.path.join(d, 'checkpoint.pt'))
    gen = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(BATCH, 3, resolution, resolution, generator=gen)
    with torch.no_grad():
        logits = model(x)
    write_floats(os.path.join(d, 'input.bin'), x)
    write_floats(os.path.join(d, 'logits.bin'), logits)
    write_floats(os.path.join(d, 'probs.bin'), torch.softmax(logits, dim=1))
    torch.onnx.export(model, x[:1], os.path.join(d, 'model.onnx'), dynamo=False, input_names=['input'],
                      output_names=['logits'], dynamic_axes={'input': {0: 'n'}, 'logits': {0: 'n'}})
    if dynamo:
        torch.onnx.export(model, (x[:1],), os.path.join(d, 'model-dynamo.onnx'), dynamo=True, external_data=False,
                          input_names=['input'], output_names=['logits'])
    with open(os.path.join(d, 'case.json'), 'w') as f:
        json.dump({'layout': layout, 'width': width, 'resolution': resolution, 'classes': classes, 'batch': BATCH,
                   'params': params(model), 'conv_channels': channels(model), 'torch': torch.__version__}, f)


def param_table(out, widths):
    rows = []
    for w in widths:
        for layout in LAYOUTS:
            m = LAYOUTS[layout](num_classes=1000, width_mult=w)
            rows.append({'layout': layout, 'width': w, 'params': params(m), 'conv_channels': channels(m)})
    with open(os.path.join(out, 'param-table.json'), 'w') as f:
        json.dump(rows, f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--out', required=True)
    p.add_argument('--dynamo', action='store_true')
    p.add_argument('--param-table')
    p.add_argument('cases', nargs='*')
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    if a.param_table:
        param_table(a.out, [float(w) for w in a.param_table.split(',')])
    for c in a.cases:
        save_case(a.out, c, a.dynamo)


if __name__ == '__main__':
    main()
