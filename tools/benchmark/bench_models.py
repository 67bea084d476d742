"""CPU throughput (faces/s) of the models in PyTorch (eager and compiled) and in ONNX Runtime,
batch 1 and 32.

    python tools/benchmark/bench_models.py [--repeats 9] [--threads 2] [--no-compile]

Each model is built from its config and exported to ONNX; the backends run the same module in
the same process with the same number of threads: eager PyTorch, ONNX Runtime (ORT) and
for the regression models, PyTorch compiled by ``wingpose.apis.deployment.compile_for_inference``
(TorchInductor, frozen weights; its compile time is not counted; the heatmap models take
minutes to compile and are not). Every model runs its ``LandmarkGraph`` without flip test
(preprocessing, network, decoding to crop pixels and scores: what ``tools/demo.py`` runs per
face). Ratios are ONNX Runtime's faces/s over each backend's, and batch
32's per-face speed over batch 1's. Each speed is the median of ``--repeats`` rounds that time
the backends in turn (fewer, at least 3, where they would take longer than ``--budget``
seconds).
"""
import argparse
import math
import os.path as osp
import statistics
import tempfile
import time
from typing import Callable, Dict

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import init_default_scope

import wingpose  # noqa: F401
from wingpose.apis.deployment import (LandmarkGraph, OnnxLandmarkModel, compile_for_inference,
                                      export_onnx)
from wingpose.codecs.graph_decoding import graph_decoding
from wingpose.registry import MODELS

MODELS_TO_TIME = [
    ('CNN6', 'configs/wing/cnn6_300w.py'),
    ('CNN7', 'configs/wing/cnn7_300w.py'),
    ('CNN6 -> CNN7', 'configs/wing/cnn6-cnn7_300w.py'),
    ('HRNetV2-W18', 'configs/awing/hrnetv2-w18_awing_300w.py'),
    ('STAR hourglass', 'configs/star/stackedhg_star_300w.py'),
    ('AWing hourglass', 'configs/awing/stackedhg_awing_300w.py'),
]


def faces_per_second(backends: Dict[str, Callable], crops: torch.Tensor, repeats: int,
                     budget: float, min_block: float = 0.5) -> Dict[str, float]:
    """Faces/s of each backend on ``crops``: the median over ``repeats`` rounds (fewer, at
    least 3, past ``budget`` seconds per backend), each round timing every backend in turn on
    a block of calls of at least ``min_block`` seconds, so that the machine's fluctuations
    fall on all backends alike."""
    with torch.inference_mode():
        calls = {}
        for name, run in backends.items():
            run(crops)  # warm-up (and compilation)
            start = time.perf_counter()
            run(crops)
            calls[name] = max(1, math.ceil(min_block / (time.perf_counter() - start)))
        times = {name: [] for name in backends}
        rounds, spent = 0, 0.
        while rounds < repeats and (rounds < 3 or spent < budget):
            rounds += 1
            for name, run in backends.items():
                start = time.perf_counter()
                for _ in range(calls[name]):
                    run(crops)
                times[name].append((time.perf_counter() - start) / calls[name])
            spent = max(sum(t) * calls[n] for n, t in times.items())
    return {name: len(crops) / statistics.median(t) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=9)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    parser.add_argument('--budget', type=float, default=20.,
                        help='seconds per measurement before the repeats are cut (min 3)')
    parser.add_argument('--no-compile', dest='compile', action='store_false',
                        help='skip the compiled PyTorch backend of the regression models '
                        '(compile_for_inference: 20-30 s per model and batch size)')
    parser.add_argument('--models', nargs='+', metavar='NAME',
                        help='only these models (names of the table, e.g. CNN6 "STAR hourglass")')
    args = parser.parse_args()
    chosen = [m for m in MODELS_TO_TIME if not args.models or m[0] in args.models]
    if not chosen:
        parser.error(f'--models: none of {args.models} in {[m[0] for m in MODELS_TO_TIME]}')
    torch.set_num_threads(args.threads)
    init_default_scope('wingpose')
    print(f'CPU, {args.threads} threads in every backend, median of {args.repeats}\n')
    print('| model | input | params (M) | GFLOPs / face | backend | faces/s b1 | faces/s b32 | '
          'b32 / b1 | ORT / this b1 | ORT / this b32 |')
    print('|---|---|---:|---:|---|---:|---:|---:|---:|---:|')
    for name, config in chosen:
        cfg = Config.fromfile(config)
        cfg.model.get('backbone', {}).pop('init_cfg', None)
        model = MODELS.build(cfg.model).eval()
        w, h = cfg.codec['input_size']
        module = LandmarkGraph(model, (w, h), graph_decoding(cfg.codec))
        params = sum(p.numel() for p in model.parameters()) / 1e6
        flops = get_model_complexity_info(
            model, inputs=(torch.rand(1, 3, h, w), None), show_table=False,
            show_arch=False)['flops'] / 1e9
        with tempfile.TemporaryDirectory() as tmp:
            export_onnx(module.eval(), osp.join(tmp, 'model.onnx'))
            backends = dict(PyTorch=module,
                            ORT=OnnxLandmarkModel(osp.join(tmp, 'model.onnx'),
                                                  threads=args.threads))
            if args.compile and cfg.codec['type'] == 'RegressionLabel':
                torch._dynamo.reset()  # a fresh compilation cache per model
                backends['PyTorch, compiled'] = compile_for_inference(module)
            speed = {batch: faces_per_second(backends, torch.rand(batch, 3, h, w) * 255,
                                             args.repeats, args.budget) for batch in (1, 32)}
        for i, backend in enumerate(backends):
            model_columns = f'{name} | {w}x{h} | {params:.2f} | {flops:.2f}' if i == 0 \
                else ' | | |'
            b1, b32 = speed[1][backend], speed[32][backend]
            print(f'| {model_columns} | {backend} | {b1:.0f} | {b32:.0f} | {b32 / b1:.2f} | '
                  f'{speed[1]["ORT"] / b1:.2f} | {speed[32]["ORT"] / b32:.2f} |')


if __name__ == '__main__':
    main()
