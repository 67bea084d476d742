"""Compare wingpose's STAR and AWing hourglasses with the official code.

    python tools/analysis/compare_official_networks.py --star STAR_CHECKOUT --awing AWING_CHECKOUT

STAR_CHECKOUT is a checkout of ZhenglinZhou/STAR and AWING_CHECKOUT one of
protossw512/AdaptiveWingLoss (only their network files are imported). For 98, 68 and 29
landmarks the script counts both networks' parameters the same way, builds each official
network with random weights and batch-norm statistics, converts its state dict
(``wingpose.models.utils.convert_*_state_dict``), and prints the largest difference of every
stack's outputs on a random 256x256 batch, in eval mode.
"""
import argparse
import importlib.util
import os.path as osp
import sys
import types

import torch

from wingpose.datasets.layouts import STAR_EDGES
from wingpose.models.backbones import AWingHourglassNet, STARHourglassNet
from wingpose.models.utils import convert_awing_state_dict, convert_star_state_dict


def load_module(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def official_modules(star: str, awing: str):
    """The official network modules, without their data and training dependencies."""
    for name in ('lib', 'lib.backbone', 'lib.backbone.core', 'lib.dataset'):
        sys.modules.setdefault(name, types.ModuleType(name))
    # the STAR network imports a decoder it only uses to return coordinates
    sys.modules['lib.dataset'].get_decoder = lambda decoder_type: types.SimpleNamespace(
        get_coords_from_heatmap=lambda heatmaps: None)
    load_module('lib.backbone.core.coord_conv',
                osp.join(star, 'lib', 'backbone', 'core', 'coord_conv.py'))
    star_net = load_module('lib.backbone.stackedHGNetV1',
                           osp.join(star, 'lib', 'backbone', 'stackedHGNetV1.py'))
    sys.path.insert(0, awing)
    torch.Tensor.cuda = lambda self, *args, **kwargs: self  # AWing calls .cuda() on CPU too
    awing_net = load_module('awing_models', osp.join(awing, 'core', 'models.py'))
    return star_net, awing_net


def randomise_batch_norm(net: torch.nn.Module) -> None:
    for module in net.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)


def count(net: torch.nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--star', required=True, help='checkout of ZhenglinZhou/STAR')
    parser.add_argument('--awing', required=True,
                        help='checkout of protossw512/AdaptiveWingLoss')
    args = parser.parse_args()
    for path, name in ((osp.join(args.star, 'lib', 'backbone', 'stackedHGNetV1.py'), '--star'),
                       (osp.join(args.awing, 'core', 'models.py'), '--awing')):
        if not osp.isfile(path):
            sys.exit(f'error: {name}: no {path}')
    star_net, awing_net = official_modules(args.star, args.awing)
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
