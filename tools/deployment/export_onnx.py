"""Export CNN6, CNN7 or the two-stage model to ONNX and check it against PyTorch.

    python tools/deployment/export_onnx.py CONFIG [CHECKPOINT] --out model.onnx [--opset 17]

The graph is the network in ``mode='tensor'``: a batch of crops (N, 3, H, W), already
normalised by the data preprocessor, to landmarks (N, K, 2) normalised to the crop (the
two-stage model includes its alignment and resampling). The ONNX output is compared with
PyTorch's with onnxruntime on random crops; the maximum absolute difference is printed and
the command fails above ``--tolerance``.
"""
import argparse
import sys

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

import wingpose  # noqa: F401
from wingpose.registry import MODELS


def build(config: str, checkpoint: str = None) -> torch.nn.Module:
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'wingpose'))
    model = MODELS.build(cfg.model)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu')
    else:
        model.init_weights()
    return model.eval()


class TensorMode(torch.nn.Module):
    """``model(inputs, mode='tensor')`` as a plain module for the exporter."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.model(inputs, None, mode='tensor')


def export(model: torch.nn.Module, input_size: int, out: str, opset: int) -> None:
    sample = torch.rand(2, 3, input_size, input_size)
    torch.onnx.export(TensorMode(model), (sample, ), out, input_names=['crops'],
                      output_names=['landmarks'], opset_version=opset, dynamo=False,
                      dynamic_axes=dict(crops={0: 'batch'}, landmarks={0: 'batch'}))


def max_difference(model: torch.nn.Module, out: str, input_size: int, batch: int = 3) -> float:
    import onnxruntime
    inputs = torch.rand(batch, 3, input_size, input_size)
    with torch.no_grad():
        expected = TensorMode(model)(inputs).numpy()
    session = onnxruntime.InferenceSession(out, providers=['CPUExecutionProvider'])
    (actual, ) = session.run(None, {'crops': inputs.numpy()})
    return float(np.abs(actual - expected).max())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument('--out', required=True)
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--tolerance', type=float, default=1e-4)
    args = parser.parse_args()
    if args.opset < 17:
        sys.exit(f'error: --opset must be >= 17 (grid_sample), got {args.opset}')
    cfg = Config.fromfile(args.config)
    input_size = cfg.codec['input_size'][0]
    model = build(args.config, args.checkpoint)
    export(model, input_size, args.out, args.opset)
    difference = max_difference(model, args.out, input_size)
    print(f'{args.out}: opset {args.opset}, input (N, 3, {input_size}, {input_size}); '
          f'max |onnxruntime - pytorch| = {difference:.2e}')
    if difference > args.tolerance:
        sys.exit(f'error: the ONNX model differs from PyTorch by {difference:.2e} '
                 f'> {args.tolerance:g}')


if __name__ == '__main__':
    main()
