"""CPU throughput (faces/s) of the models in PyTorch and in ONNX Runtime, batch 1 and 32.

    python tools/benchmark/bench_models.py [--repeats 9] [--threads 2]

Each model is built from its config and exported to ONNX; both backends run the same module
in the same process with the same number of threads. Regression models (CNN6, CNN7, the
two-stage CNN6 -> CNN7) run their ``LandmarkGraph`` without flip test (preprocessing, network,
decoding to crop pixels: what ``tools/demo.py`` runs per face); the heatmap models
(MMPose's HRNetV2-W18, the STAR and AWing hourglasses) run their network in ``mode='tensor'``
(the last stack's heatmaps). Ratios are ONNX Runtime's faces/s over PyTorch's, and batch 32's
per-face speed over batch 1's. Each speed is the median of ``--repeats`` runs, fewer (at least
3) where they would take longer than ``--budget`` seconds.
"""
import argparse
import os.path as osp
import statistics
import tempfile
import time

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import init_default_scope

import wingpose  # noqa: F401
from wingpose.apis.deployment import LandmarkGraph, OnnxLandmarkModel, export_onnx
from wingpose.registry import MODELS

MODELS_TO_TIME = [
    ('CNN6', 'configs/wing/cnn6_300w.py'),
    ('CNN7', 'configs/wing/cnn7_300w.py'),
    ('CNN6 -> CNN7', 'configs/wing/cnn6-cnn7_300w.py'),
    ('HRNetV2-W18', 'configs/awing/hrnetv2-w18_awing_300w.py'),
    ('STAR hourglass', 'configs/star/stackedhg_star_300w.py'),
    ('AWing hourglass', 'configs/awing/stackedhg_awing_300w.py'),
]


class TensorMode(torch.nn.Module):
    """A heatmap model's network, ``model(inputs, mode='tensor')``, as a plain module."""

    def __init__(self, model: torch.nn.Module, input_size):
        super().__init__()
        self.model = model
        self.register_buffer('input_size', torch.tensor(input_size, dtype=torch.float32))

    def forward(self, crops: torch.Tensor) -> torch.Tensor:
        return self.model(crops, None, mode='tensor')


def faces_per_second(run, crops: torch.Tensor, repeats: int, budget: float) -> float:
    with torch.inference_mode():
        run(crops)  # warm-up
        times = []
        while len(times) < repeats and (len(times) < 3 or sum(times) < budget):
            start = time.perf_counter()
            run(crops)
            times.append(time.perf_counter() - start)
    return len(crops) / statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=9)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    parser.add_argument('--budget', type=float, default=20.,
                        help='seconds per measurement before the repeats are cut (min 3)')
    parser.add_argument('--models', nargs='+', metavar='NAME',
                        help='only these models (names of the table, e.g. CNN6 "STAR hourglass")')
    args = parser.parse_args()
    chosen = [m for m in MODELS_TO_TIME if not args.models or m[0] in args.models]
    if not chosen:
        parser.error(f'--models: none of {args.models} in {[m[0] for m in MODELS_TO_TIME]}')
    torch.set_num_threads(args.threads)
    init_default_scope('wingpose')
    print(f'CPU, {args.threads} threads in both backends, median of {args.repeats}\n')
    print('| model | input | params (M) | GFLOPs / face | PyTorch b1 | ORT b1 | ORT / PyTorch '
          'b1 | PyTorch b32 | ORT b32 | ORT / PyTorch b32 | b32 / b1 PyTorch | b32 / b1 ORT |')
    print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for name, config in chosen:
        cfg = Config.fromfile(config)
        cfg.model.get('backbone', {}).pop('init_cfg', None)
        model = MODELS.build(cfg.model).eval()
        w, h = cfg.codec['input_size']
        module = LandmarkGraph(model, (w, h)) if cfg.codec['type'] == 'RegressionLabel' \
            else TensorMode(model, (w, h))
        params = sum(p.numel() for p in model.parameters()) / 1e6
        flops = get_model_complexity_info(
            model, inputs=(torch.rand(1, 3, h, w), None), show_table=False,
            show_arch=False)['flops'] / 1e9
        with tempfile.TemporaryDirectory() as tmp:
            export_onnx(module.eval(), osp.join(tmp, 'model.onnx'))
            onnx = OnnxLandmarkModel(osp.join(tmp, 'model.onnx'), threads=args.threads)
            speed = {(backend, batch): faces_per_second(
                run, torch.rand(batch, 3, h, w) * 255, args.repeats, args.budget)
                for batch in (1, 32) for backend, run in (('pt', module), ('ort', onnx))}
        print(f'| {name} | {w}x{h} | {params:.2f} | {flops:.2f} | {speed["pt", 1]:.0f} | '
              f'{speed["ort", 1]:.0f} | {speed["ort", 1] / speed["pt", 1]:.2f} | '
              f'{speed["pt", 32]:.0f} | {speed["ort", 32]:.0f} | '
              f'{speed["ort", 32] / speed["pt", 32]:.2f} | '
              f'{speed["pt", 32] / speed["pt", 1]:.2f} | '
              f'{speed["ort", 32] / speed["ort", 1]:.2f} |')


if __name__ == '__main__':
    main()
