"""CoordConv (Liu et al., NeurIPS 2018) as used by the Adaptive Wing paper (Wang et al., 2019)."""
from typing import Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from wingpose.codecs.utils import heatmap_grid
from wingpose.registry import MODELS


def coordinate_channels(x: Tensor, with_r: bool = False) -> Tensor:
    """Channels x, y in [-1, 1] of ``x``'s pixel centres (soft-argmax's frame,
    :func:`~wingpose.codecs.utils.heatmap_grid`) and r = sqrt(x^2 + y^2) / sqrt(2) in [0, 1];
    r is scaled by its maximum as in the AWing and STAR code (``AddCoordsTh``).

    Returns (N, 2, H, W), or (N, 3, H, W) with ``with_r``.
    """
    n, _, h, w = x.shape
    ys = heatmap_grid(h, x.dtype, x.device).view(1, 1, h, 1).expand(n, 1, h, w)
    xs = heatmap_grid(w, x.dtype, x.device).view(1, 1, 1, w).expand(n, 1, h, w)
    channels = [xs, ys] + ([torch.sqrt((xs.square() + ys.square()) / 2)] if with_r else [])
    return torch.cat(channels, dim=1)


class CoordConv2d(nn.Conv2d):
    """A convolution that sees the normalised pixel coordinates as extra input channels.

    With ``with_boundary`` (the boundary-aware CoordConv of the AWing paper, Sec. 4.3) it also
    sees x and y masked to where a boundary map exceeds ``boundary_threshold``: two more
    channels, zero everywhere else.

    Args:
        in_channels (int): Feature channels (the coordinate channels are added).
        out_channels (int): Output channels.
        kernel_size (int): Kernel size; padding keeps the size. Default: 1.
        with_r (bool): Add the radius channel. Default: False.
        with_boundary (bool): Add the boundary-masked x and y. Default: False.
        boundary_threshold (float): Where a boundary counts as present. Default: 0.05.
        **kwargs: Arguments of ``nn.Conv2d`` (stride, bias, ...).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 1,
                 with_r: bool = False, with_boundary: bool = False,
                 boundary_threshold: float = 0.05, **kwargs):
        super().__init__(in_channels + 2 + with_r + 2 * with_boundary, out_channels,
                         kernel_size, padding=kernel_size // 2, **kwargs)
        self.with_r = with_r
        self.with_boundary = with_boundary
        self.boundary_threshold = boundary_threshold

    def forward(self, x: Tensor, boundary: Optional[Tensor] = None) -> Tensor:
        """``x`` (N, C, H, W); ``boundary`` (N, 1, H, W), required iff ``with_boundary``."""
        if self.with_boundary != (boundary is not None):
            raise ValueError(f'CoordConv2d(with_boundary={self.with_boundary}) got '
                             f'{"a" if boundary is not None else "no"} boundary map')
        coords = coordinate_channels(x, self.with_r)
        channels = [x, coords]
        if boundary is not None:
            channels.append(coords[:, :2] * (boundary > self.boundary_threshold).to(x.dtype))
        return super().forward(torch.cat(channels, dim=1))


@MODELS.register_module()
class CoordConvNeck(BaseModule):
    """CoordConv on the last feature map (after an optional inner neck), + BN + ReLU.

    Switch it on in a heatmap config by replacing the neck, e.g. for HRNetV2-W18::

        neck=dict(_delete_=True, type='CoordConvNeck', in_channels=270, out_channels=270,
                  with_r=True, pre=dict(type='FeatureMapProcessor', concat=True))

    Args:
        in_channels (int): Channels of the last feature map.
        out_channels (int): Channels after the CoordConv.
        kernel_size (int): Kernel of the CoordConv. Default: 1.
        with_r (bool): Add the radius channel. Default: False.
        pre (dict, optional): A neck run first (e.g. MMPose's ``FeatureMapProcessor``).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 1,
                 with_r: bool = False, pre: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, Sequence[dict]]] = None):
        super().__init__(init_cfg=init_cfg)
        self.pre = MODELS.build(pre) if pre is not None else None
        self.conv = CoordConv2d(in_channels, out_channels, kernel_size, with_r=with_r,
                                bias=False)
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, feats: Tuple[Tensor]) -> Tuple[Tensor]:
        if self.pre is not None:
            feats = self.pre(feats)
        feats = tuple(feats)
        return feats[:-1] + (self.relu(self.bn(self.conv(feats[-1]))), )
