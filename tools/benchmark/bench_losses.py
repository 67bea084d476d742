"""Forward + backward time of wingpose's losses against MMPose's and the eigh formulation.

    python tools/benchmark/bench_losses.py [--batch 16] [--keypoints 98] [--size 64] [--device cpu]

Prints median times and ratios measured in the same run: wingpose STAR vs a plain STAR that
builds the covariance on full grids and calls ``torch.linalg.eigh`` on the CPU (the official
code's approach); AWing with the weighted loss map vs MMPose's AWing without it; Wing vs
MMPose's Wing.
"""
import argparse
import statistics
import time
from typing import Callable, Dict

import torch
from mmpose.models.losses import AdaptiveWingLoss as MMPoseAdaptiveWingLoss
from mmpose.models.losses import WingLoss as MMPoseWingLoss

import wingpose  # noqa: F401
from wingpose.models.losses import AdaptiveWingLoss, STARLoss, WingLoss
from wingpose.models.losses.star_loss import star_loss_reference


def median_ms(step: Callable[[], torch.Tensor], inputs, repeats: int, device: str) -> float:
    times = []
    for i in range(repeats + 3):
        for x in inputs:
            x.grad = None
        if device == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        step().backward()
        if device == 'cuda':
            torch.cuda.synchronize()
        if i >= 3:  # warm-up
            times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--keypoints', type=int, default=98)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--repeats', type=int, default=30)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args()
    torch.manual_seed(0)
    n, k, s, dev = args.batch, args.keypoints, args.size, args.device
    heat_pred = torch.rand(n, k, s, s, device=dev).requires_grad_()
    heat_gt = torch.rand(n, k, s, s, device=dev)
    star_heat = (torch.rand(n, k, s, s, device=dev)**8).requires_grad_()
    coords = torch.rand(n, k, 2, device=dev) * 2 - 1
    pred = (torch.rand(n, k, 2, device=dev) * 64).requires_grad_()
    gt = torch.rand(n, k, 2, device=dev) * 64
    weights = torch.ones(n, k, device=dev)

    results: Dict[str, float] = {}
    cases = [
        ('STAR, eigh on CPU (official approach)',
         lambda: star_loss_reference(star_heat, coords), [star_heat]),
        ('STAR, wingpose (closed form)', lambda: STARLoss()(star_heat, coords), [star_heat]),
        ('AWing, MMPose (no weight map)', lambda: MMPoseAdaptiveWingLoss()(heat_pred, heat_gt),
         [heat_pred]),
        ('AWing + weight map, wingpose',
         lambda: AdaptiveWingLoss()(heat_pred, heat_gt, weights), [heat_pred]),
        ('Wing, MMPose', lambda: MMPoseWingLoss()(pred, gt), [pred]),
        ('Wing, wingpose', lambda: WingLoss()(pred, gt, weights), [pred]),
    ]
    for name, step, inputs in cases:
        results[name] = median_ms(step, inputs, args.repeats, dev)
    check = abs(star_loss_reference(star_heat, coords).item()
                - STARLoss()(star_heat, coords).item())
    print(f'batch {n}, {k} landmarks, {s}x{s} heatmaps, {dev}, median of {args.repeats} '
          f'forward+backward runs (STAR |difference| of values: {check:.2e})\n')
    print('| loss | ms | ratio to baseline |\n|---|---:|---|')
    pairs = [(1, 0, 'x faster than the eigh formulation'),
             (3, 2, 'x the time of MMPose AWing'),
             (5, 4, 'x the time of MMPose Wing')]
    names = list(results)
    for ours, base, text in pairs:
        print(f'| {names[base]} | {results[names[base]]:.2f} | baseline |')
        ratio = results[names[base]] / results[names[ours]] if ours == 1 else \
            results[names[ours]] / results[names[base]]
        print(f'| {names[ours]} | {results[names[ours]]:.2f} | {ratio:.2f}{text} |')


if __name__ == '__main__':
    main()
