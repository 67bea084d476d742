"""Forward + backward time of wingpose's losses against MMPose's and the eigh formulation.

    python tools/benchmark/bench_losses.py [--batch 16] [--keypoints 98] [--size 64] [--device cpu]
        [--official-star PATH]

Prints median times and ratios measured in the same run: wingpose STAR vs a plain STAR that
builds the covariance on full grids and calls ``torch.linalg.eigh`` on the CPU (the official
code's approach, ``tests/models/references.py``), and vs the official ``STARLoss_v2`` itself
when ``--official-star`` names a checkout of ZhenglinZhou/STAR; AWing with the weighted loss
map vs MMPose's AWing without it; Wing vs MMPose's Wing.
"""
import argparse
import importlib.util
import os.path as osp
import statistics
import sys
import time
from typing import Callable, Dict, Type

import torch
from mmpose.models.losses import AdaptiveWingLoss as MMPoseAdaptiveWingLoss
from mmpose.models.losses import WingLoss as MMPoseWingLoss

import wingpose  # noqa: F401
from wingpose.models.losses import AdaptiveWingLoss, STARLoss, WingLoss

# the eigh formulation is the tests' reference (run from a checkout)
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from tests.models.references import star_loss_reference  # noqa: E402


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


def official_star_loss(checkout: str) -> Type[torch.nn.Module]:
    """``STARLoss_v2`` from a checkout of ZhenglinZhou/STAR (its ``lib/loss`` needs only
    torch); the rest of the official ``lib`` is not imported."""
    init = osp.join(checkout, 'lib', 'loss', '__init__.py')
    if not osp.isfile(init):
        raise SystemExit(f'--official-star {checkout}: no lib/loss/__init__.py there '
                         '(expected a checkout of ZhenglinZhou/STAR)')
    spec = importlib.util.spec_from_file_location(
        'official_star_loss', init, submodule_search_locations=[osp.dirname(init)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.STARLoss_v2


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--keypoints', type=int, default=98)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--repeats', type=int, default=30)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--official-star', metavar='PATH',
                        help='a checkout of ZhenglinZhou/STAR: time its STARLoss_v2 too')
    args = parser.parse_args()
    official = official_star_loss(args.official_star)() if args.official_star else None
    torch.manual_seed(0)
    n, k, s, dev = args.batch, args.keypoints, args.size, args.device
    heat_pred = torch.rand(n, k, s, s, device=dev).requires_grad_()
    heat_gt = torch.rand(n, k, s, s, device=dev)
    star_heat = (torch.rand(n, k, s, s, device=dev)**8).requires_grad_()
    coords = torch.rand(n, k, 2, device=dev) * 2 - 1
    pred = (torch.rand(n, k, 2, device=dev) * 64).requires_grad_()
    gt = torch.rand(n, k, 2, device=dev) * 64
    weights = torch.ones(n, k, device=dev)

    star = [star_heat]
    star_ours = ('STAR, wingpose (closed form)', lambda: STARLoss()(star_heat, coords), star)
    # (baseline, wingpose, what the ratio says): speed-ups as baseline / ours, the others as
    # ours / baseline
    comparisons = [
        (('STAR, eigh on CPU (official approach)',
          lambda: star_loss_reference(star_heat, coords), star), star_ours, 'x faster'),
        (('AWing, MMPose (no weight map)',
          lambda: MMPoseAdaptiveWingLoss()(heat_pred, heat_gt), [heat_pred]),
         ('AWing + weight map, wingpose',
          lambda: AdaptiveWingLoss()(heat_pred, heat_gt, weights), [heat_pred]),
         'x the time of MMPose AWing'),
        (('Wing, MMPose', lambda: MMPoseWingLoss()(pred, gt), [pred]),
         ('Wing, wingpose', lambda: WingLoss()(pred, gt, weights), [pred]),
         'x the time of MMPose Wing'),
    ]
    differences = {'the eigh formulation': star_loss_reference(star_heat, coords)}
    if official is not None:
        comparisons.insert(0, (('STAR, official STARLoss_v2',
                                lambda: official(star_heat, coords), star), star_ours,
                               'x faster'))
        differences['the official code'] = official(star_heat, coords)
    ours_value = STARLoss()(star_heat, coords).item()
    checks = ', '.join(f'{abs(value.item() - ours_value):.2e} to {name}'
                       for name, value in differences.items())
    times: Dict[str, float] = {}
    for baseline, ours, _ in comparisons:
        for name, step, inputs in (baseline, ours):
            if name not in times:
                times[name] = median_ms(step, inputs, args.repeats, dev)
    print(f'batch {n}, {k} landmarks, {s}x{s} heatmaps, {dev}, median of {args.repeats} '
          f'forward+backward runs (STAR |difference| of values: {checks})\n')
    print('| loss | ms | ratio to baseline |\n|---|---:|---|')
    for (base, *_), (ours, *_), text in comparisons:
        ratio = times[base] / times[ours] if text == 'x faster' else times[ours] / times[base]
        print(f'| {base} | {times[base]:.2f} | baseline |')
        print(f'| {ours} | {times[ours]:.2f} | {ratio:.2f}{text} |')


if __name__ == '__main__':
    main()
