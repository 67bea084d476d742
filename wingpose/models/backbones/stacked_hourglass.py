"""The stacked hourglass networks of the Adaptive Wing (Wang et al., ICCV 2019) and STAR
(Zhou et al., CVPR 2023) papers.

Both stack four hourglasses (depth 4, 256 channels, nearest upsampling) on a stem
``CoordConv 7x7/2 (with r) - BN - ReLU - block(64, 128) - pool - block(128, 128) -
block(128, 256)`` that takes a 256x256 face to 64x64 features, open every hourglass after the
first with a boundary-aware 1x1 CoordConv (:class:`~wingpose.models.necks.CoordConv2d`) whose
mask is a map of the previous stack, and add each stack's features and predictions back into
the next stack's input through 1x1 convolutions. As in MMPose's ``HourglassAENet``, the
prediction layers live in the backbone because the next stack reads them; the backbone returns
one tensor of maps per stack and a :class:`~wingpose.models.heads.StackedHeatmapHead`
supervises them all.

Where they differ:

====================  ==========================================  ===========================
                      AWing (``protossw512/AdaptiveWingLoss``)     STAR (``ZhenglinZhou/STAR``)
====================  ==========================================  ===========================
block                 :class:`HierarchicalBlock`                  :class:`PreActBottleneck`
pooling               average                                     max
per-stack output      K heatmaps + 1 boundary map (linear)        distributions, point maps,
                                                                  edge maps (below)
CoordConv mask        the boundary map                            the last landmark's
                                                                  distribution (as the code)
====================  ==========================================  ===========================

STAR's stack predicts distributions ``D = ReLU(InstanceNorm(conv))``, point maps
``P = sigmoid(conv)`` and edge maps ``E = sigmoid(conv)``, and its heatmaps are
``H = D * P * (A E + b)``: ``A`` is the fixed landmark-edge incidence matrix and ``b`` is 1 for
landmarks on no edge (``E2HTransform``). Its output per stack is ``cat(H, P, E)``.
"""
from abc import abstractmethod
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmpose.models.backbones.base_backbone import BaseBackbone
from torch import Tensor, nn

from wingpose.structures import Edge, star_edges
from wingpose.registry import MODELS
from ..necks.coord_conv import CoordConv2d


class PreActBottleneck(nn.Module):
    """STAR's residual block: ``(BN-ReLU-conv1x1, BN-ReLU-conv3x3, BN-ReLU-conv1x1)`` at half
    width, plus a 1x1 convolution on the skip path when the widths differ (biased convs)."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        mid = out_channels // 2
        layers = []
        for c_in, c_out, k in ((in_channels, mid, 1), (mid, mid, 3), (mid, out_channels, 1)):
            layers += [nn.BatchNorm2d(c_in), nn.ReLU(), nn.Conv2d(c_in, c_out, k, padding=k // 2)]
        self.residual = nn.Sequential(*layers)
        self.skip = (nn.Identity() if in_channels == out_channels else
                     nn.Conv2d(in_channels, out_channels, 1))

    def forward(self, x: Tensor) -> Tensor:
        return self.skip(x) + self.residual(x)


class HierarchicalBlock(nn.Module):
    """The hierarchical, parallel and multi-scale block of FAN (Bulat and Tzimiropoulos, ICCV
    2017) that AWing uses: three pre-activated 3x3 convs of widths C/2, C/4, C/4 in a chain,
    their outputs concatenated (C channels), plus a BN-ReLU-conv1x1 skip when widths differ."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        widths = (in_channels, out_channels // 2, out_channels // 4, out_channels // 4)
        self.stages = nn.ModuleList(
            nn.Sequential(nn.BatchNorm2d(c_in), nn.ReLU(),
                          nn.Conv2d(c_in, c_out, 3, padding=1, bias=False))
            for c_in, c_out in zip(widths[:-1], widths[1:]))
        self.skip = nn.Identity() if in_channels == out_channels else nn.Sequential(
            nn.BatchNorm2d(in_channels), nn.ReLU(),
            nn.Conv2d(in_channels, out_channels, 1, bias=False))

    def forward(self, x: Tensor) -> Tensor:
        outputs = []
        out = x
        for stage in self.stages:
            out = stage(out)
            outputs.append(out)
        return torch.cat(outputs, dim=1) + self.skip(x)


BLOCKS = {'preact_bottleneck': PreActBottleneck, 'hierarchical': HierarchicalBlock}
POOLS = {'max': nn.MaxPool2d, 'avg': nn.AvgPool2d}


class Hourglass(nn.Module):
    """``depth`` levels of ``up(x) + upsample(low(pool(x)))`` (Newell et al., ECCV 2016), one
    block per branch and level, with an optional boundary-aware CoordConv at the entrance."""

    def __init__(self, depth: int, channels: int, block: str, pool: str,
                 coord_conv: bool = False, with_boundary: bool = False):
        super().__init__()
        Block = BLOCKS[block]
        self.coord_conv = CoordConv2d(channels, channels, 1, with_r=True,
                                      with_boundary=with_boundary) if coord_conv else None
        self.up = Block(channels, channels)
        self.pool = POOLS[pool](2, 2)
        self.low_in = Block(channels, channels)
        self.inner = (Hourglass(depth - 1, channels, block, pool) if depth > 1 else
                      Block(channels, channels))
        self.low_out = Block(channels, channels)

    def forward(self, x: Tensor, boundary: Optional[Tensor] = None) -> Tensor:
        if self.coord_conv is not None:
            x = self.coord_conv(x, boundary)
        low = self.low_out(self.inner(self.low_in(self.pool(x))))
        return self.up(x) + F.interpolate(low, scale_factor=2, mode='nearest')


def conv1x1(in_channels: int, out_channels: int) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, 1)


class StackedHourglassNet(BaseBackbone):
    """The shared trunk; subclasses define the per-stack predictions (:meth:`predict`).

    Args:
        out_groups (Sequence[int]): Channels of each prediction map group of a stack; each group
            is fed to the next stack through its own 1x1 convolution.
        block (str): ``'preact_bottleneck'`` (STAR) or ``'hierarchical'`` (AWing).
        pool (str): ``'max'`` (STAR) or ``'avg'`` (AWing).
        num_stacks (int): Hourglasses. Default: 4.
        depth (int): Levels per hourglass. Default: 4.
        channels (int): Width of the hourglasses. Default: 256.
    """

    def __init__(self, out_groups: Sequence[int], block: str, pool: str, num_stacks: int = 4,
                 depth: int = 4, channels: int = 256, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if block not in BLOCKS or pool not in POOLS:
            raise ValueError(f'block must be one of {sorted(BLOCKS)} and pool one of '
                             f'{sorted(POOLS)}, got block={block!r}, pool={pool!r}')
        if num_stacks < 1 or depth < 1:
            raise ValueError(f'num_stacks and depth must be >= 1, got {num_stacks}, {depth}')
        Block = BLOCKS[block]
        self.num_stacks = num_stacks
        self.channels = channels
        self.stem = nn.Sequential(
            CoordConv2d(3, 64, 7, with_r=True, stride=2), nn.BatchNorm2d(64), nn.ReLU(),
            Block(64, 128), POOLS[pool](2, 2), Block(128, 128), Block(128, channels))
        self.hourglasses = nn.ModuleList(
            Hourglass(depth, channels, block, pool, coord_conv=True, with_boundary=i > 0)
            for i in range(num_stacks))
        self.features = nn.ModuleList(
            nn.Sequential(Block(channels, channels), conv1x1(channels, channels),
                          nn.BatchNorm2d(channels), nn.ReLU()) for _ in range(num_stacks))
        self.merge_features = nn.ModuleList(
            conv1x1(channels, channels) for _ in range(num_stacks - 1))
        self.merge_maps = nn.ModuleList(
            nn.ModuleList(conv1x1(c, channels) for c in out_groups)
            for _ in range(num_stacks - 1))

    @abstractmethod
    def predict(self, stack: int, feature: Tensor) -> Tuple[Tensor, List[Tensor], Tensor]:
        """(the stack's output, its map groups for the next stack, the next CoordConv's mask)"""

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """(N, 3, H, W) -> one (N, C_out, H/4, W/4) output per stack."""
        x = self.stem(x)
        outputs, boundary = [], None
        for i in range(self.num_stacks):
            feature = self.features[i](self.hourglasses[i](x, boundary))
            output, groups, boundary = self.predict(i, feature)
            outputs.append(output)
            if i < self.num_stacks - 1:
                x = x + self.merge_features[i](feature) + sum(
                    merge(group) for merge, group in zip(self.merge_maps[i], groups))
        return tuple(outputs)


@MODELS.register_module()
class AWingHourglassNet(StackedHourglassNet):
    """AWing's network (``FAN`` in ``core/models.py``): per stack one linear 1x1 convolution to
    K heatmaps and one boundary map, (N, K + 1, 64, 64); the boundary map masks the next
    stack's CoordConv.

    Args:
        num_keypoints (int): K.
        **kwargs: ``num_stacks``, ``depth``, ``channels`` of :class:`StackedHourglassNet`.
    """

    def __init__(self, num_keypoints: int, **kwargs):
        super().__init__([num_keypoints + 1], block='hierarchical', pool='avg', **kwargs)
        self.num_keypoints = num_keypoints
        self.out_maps = nn.ModuleList(
            conv1x1(self.channels, num_keypoints + 1) for _ in range(self.num_stacks))

    def predict(self, stack: int, feature: Tensor) -> Tuple[Tensor, List[Tensor], Tensor]:
        maps = self.out_maps[stack](feature)
        return maps, [maps], maps[:, -1:]


def edge_incidence(edges: Sequence[Edge], num_keypoints: int) -> Tuple[Tensor, Tensor]:
    """STAR's edge-to-heatmap gate: (K, E) 0/1 matrix of which landmarks lie on which edge, and
    a (K,) bias of 1 for the landmarks on no edge."""
    matrix = torch.zeros(num_keypoints, len(edges))
    for e, (_, indices) in enumerate(edges):
        if max(indices) >= num_keypoints:
            raise ValueError(f'edge {e} lists landmark {max(indices)} but the layout has '
                             f'{num_keypoints}')
        matrix[list(indices), e] = 1
    return matrix, (matrix.sum(1) == 0).float()


@MODELS.register_module()
class STARHourglassNet(StackedHourglassNet):
    """STAR's network (``StackedHGNetV1`` with ``add_coord`` and ``use_AAM``): per stack the
    gated heatmaps, point maps and edge maps, ``cat(H, P, E)`` (N, 2K + E, 64, 64).

    Args:
        num_keypoints (int): K.
        edges (str | Sequence, optional): ``(closed, landmark indices)`` per edge (the
            official ``edge_info``), a layout name of
            :data:`wingpose.structures.STAR_EDGES`, or None for the layout with
            ``num_keypoints`` landmarks. Default: None.
        **kwargs: ``num_stacks``, ``depth``, ``channels`` of :class:`StackedHourglassNet`.
    """

    def __init__(self, num_keypoints: int, edges=None, **kwargs):
        edges = star_edges(edges, num_keypoints)
        num_edges = len(edges)
        super().__init__([num_keypoints, num_keypoints, num_edges], block='preact_bottleneck',
                         pool='max', **kwargs)
        self.num_keypoints = num_keypoints
        self.num_edges = num_edges
        self.out_distributions, self.out_points, self.out_edges = (
            nn.ModuleList(conv1x1(self.channels, c) for _ in range(self.num_stacks))
            for c in (num_keypoints, num_keypoints, num_edges))
        incidence, bias = edge_incidence(edges, num_keypoints)
        self.register_buffer('edge_incidence', incidence[..., None, None], persistent=False)
        self.register_buffer('edge_bias', bias, persistent=False)

    def predict(self, stack: int, feature: Tensor) -> Tuple[Tensor, List[Tensor], Tensor]:
        distributions = F.relu(F.instance_norm(self.out_distributions[stack](feature)))
        points = torch.sigmoid(self.out_points[stack](feature))
        edges = torch.sigmoid(self.out_edges[stack](feature))
        gate = F.conv2d(edges, self.edge_incidence, self.edge_bias) * points
        output = torch.cat([distributions * gate, points, edges], dim=1)
        # the official code masks the next CoordConv with the last distribution channel
        return output, [distributions, points, edges], distributions[:, -1:]
