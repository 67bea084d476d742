"""CPU throughput (faces/s) at batch 1 and 32, parameters and FLOPs of the models.

    python tools/benchmark/bench_models.py [--repeats 5] [--threads N]

Models: CNN6 (64x64), CNN7 (128x128), the two-stage CNN6 -> CNN7 (128x128 crop) and
MMPose's HRNetV2-W18 heatmap model (256x256), each built from its config and run in
``mode='tensor'`` (the network, without data loading or decoding).
"""
import argparse
import statistics
import time

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import init_default_scope

import wingpose  # noqa: F401
from wingpose.registry import MODELS

MODELS_TO_TIME = [
    ('CNN6', 'configs/wing/cnn6_300w.py', 64),
    ('CNN7', 'configs/wing/cnn7_300w.py', 128),
    ('CNN6 -> CNN7', 'configs/wing/cnn6-cnn7_300w.py', 128),
    ('HRNetV2-W18', 'configs/awing/hrnetv2-w18_awing_300w.py', 256),
]


def faces_per_second(model, size: int, batch: int, repeats: int) -> float:
    inputs = torch.rand(batch, 3, size, size)
    with torch.no_grad():
        model(inputs, None, mode='tensor')  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model(inputs, None, mode='tensor')
            times.append(time.perf_counter() - start)
    return batch / statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    init_default_scope('wingpose')
    print(f'CPU, {args.threads} threads, median of {args.repeats}\n')
    print('| model | input | params (M) | GFLOPs / face | faces/s, batch 1 | faces/s, batch 32 |')
    print('|---|---|---:|---:|---:|---:|')
    for name, config, size in MODELS_TO_TIME:
        cfg = Config.fromfile(config)
        cfg.model.get('backbone', {}).pop('init_cfg', None)
        model = MODELS.build(cfg.model).eval()
        params = sum(p.numel() for p in model.parameters()) / 1e6
        flops = get_model_complexity_info(
            model, inputs=(torch.rand(1, 3, size, size), None), show_table=False,
            show_arch=False)['flops'] / 1e9
        print(f'| {name} | {size}x{size} | {params:.2f} | {flops:.2f} | '
              f'{faces_per_second(model, size, 1, args.repeats):.1f} | '
              f'{faces_per_second(model, size, 32, args.repeats):.1f} |')


if __name__ == '__main__':
    main()
