"""Compare wingpose's STAR and AWing hourglasses with the official code.

    python tools/analysis/compare_official_networks.py --star STAR_CHECKOUT --awing AWING_CHECKOUT

STAR_CHECKOUT is a checkout of ZhenglinZhou/STAR and AWING_CHECKOUT one of
protossw512/AdaptiveWingLoss (``official_code.py`` imports them). For 98, 68 and 29
landmarks the script counts both networks' parameters the same way, builds each official
network with random weights and batch-norm statistics, converts its state dict
(``wingpose.models.utils.convert_*_state_dict``), and prints the largest difference of every
stack's outputs on a random 256x256 batch, in eval mode.
"""
import argparse
import types

import torch

from official_code import awing_modules, check_checkouts, randomise_batch_norm, star_modules

from wingpose.structures import STAR_EDGES
from wingpose.models.backbones import AWingHourglassNet, STARHourglassNet
from wingpose.models.utils import convert_awing_state_dict, convert_star_state_dict


def count(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--star', required=True, help='checkout of ZhenglinZhou/STAR')
    parser.add_argument('--awing', required=True,
                        help='checkout of protossw512/AdaptiveWingLoss')
    args = parser.parse_args()
    check_checkouts(args.star, args.awing)
    star_net, awing_net = star_modules(args.star).network, awing_modules(args.awing).network
    torch.manual_seed(0)
    x = torch.randn(2, 3, 256, 256)
    print('| landmarks | network | official parameters | wingpose parameters | '
          'max |difference| per stack |')
    print('|---|---|---:|---:|---|')
    for layout, k in (('wflw', 98), ('300w', 68), ('cofw', 29)):
        edges = STAR_EDGES[layout]
        config = types.SimpleNamespace(width=256, height=256, use_AAM=True)
        official = star_net.StackedHGNetV1(config, [k, len(edges), k], edges)
        ours = STARHourglassNet(k, layout)
        randomise_batch_norm(official)
        ours.load_state_dict(convert_star_state_dict(official.state_dict()), strict=True)
        official.eval()
        ours.eval()
        with torch.no_grad():
            maps, heatmaps, _ = official(x)
            outputs = ours(x)
        differences = [max(float((heatmaps[s] - out[:, :k]).abs().max()),
                           float((maps[3 * s + 1] - out[:, k:2 * k]).abs().max()),
                           float((maps[3 * s + 2] - out[:, 2 * k:]).abs().max()))
                       for s, out in enumerate(outputs)]
        print(f'| {k} | STAR | {count(official):,} | {count(ours):,} | '
              + ', '.join(f'{d:.1e}' for d in differences) + ' |')
        official = awing_net.FAN(4, num_landmarks=k)
        ours = AWingHourglassNet(k)
        randomise_batch_norm(official)
        ours.load_state_dict(convert_awing_state_dict(official.state_dict()), strict=True)
        official.eval()
        ours.eval()
        with torch.no_grad():
            reference, _ = official(x)
            outputs = ours(x)
        differences = [float((r - o).abs().max()) for r, o in zip(reference, outputs)]
        print(f'| {k} | AWing | {count(official):,} | {count(ours):,} | '
              + ', '.join(f'{d:.1e}' for d in differences) + ' |')


if __name__ == '__main__':
    main()
