"""The codecs' decoding as torch modules: a model's output (N, K, ...) to landmarks (N, K, 2) in
input pixels and scores (N, K), for graphs exported whole (ONNX). Each equals its codec's
``decode`` batch by batch: the same cell and refinement for the argmax decoders, the same mean
(in float32) for soft-argmax."""
from typing import Tuple

import torch
from torch import Tensor, nn

from .utils import heatmap_distribution

Decoded = Tuple[Tensor, Tensor]


class RegressionDecoding(nn.Module):
    """``RegressionLabel``: coordinates normalised to the input -> input pixels; scores 1."""

    def __init__(self, input_size: Tuple[int, int]):
        super().__init__()
        self.register_buffer('input_size', torch.tensor(input_size, dtype=torch.float32))

    def forward(self, coords: Tensor) -> Decoded:
        return coords * self.input_size, torch.ones_like(coords[..., 0])


class SoftArgmaxDecoding(nn.Module):
    """``SoftArgmaxHeatmap``: the mean of each heatmap (negative values set to 0) read as a
    distribution on the [-1, 1] grid, in the codec's frame; scores the heatmap maxima."""

    def __init__(self, input_size: Tuple[int, int], heatmap_size: Tuple[int, int],
                 align_corners: bool):
        super().__init__()
        # p = (u + 1) * scale + offset in input pixels (coordinate_frames' denormalisation)
        input_size, heatmap_size = torch.tensor(input_size), torch.tensor(heatmap_size)
        if align_corners:
            scale = (heatmap_size - 1) / 2 * (input_size / heatmap_size)
            offset = torch.zeros(2)
        else:
            scale, offset = input_size / 2, torch.full((2, ), -0.5)
        self.register_buffer('scale', scale.float())
        self.register_buffer('offset', offset.float())

    def forward(self, heatmaps: Tensor) -> Decoded:
        mean = heatmap_distribution(heatmaps.clamp(min=0)).mean
        return (mean + 1) * self.scale + self.offset, heatmaps.flatten(2).amax(-1)


def _argmax_cells(heatmaps: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    """The first maximum of each heatmap: column, row (int64), its value and the heatmaps
    flattened (N, K, H * W)."""
    flat = heatmaps.flatten(2)
    scores, index = flat.max(-1)
    width = heatmaps.shape[-1]
    return index % width, torch.div(index, width, rounding_mode='floor'), scores, flat


def _step(flat: Tensor, x: Tensor, y: Tensor, dx: int, dy: int, width: int,
          where: Tensor) -> Tensor:
    """A quarter pixel towards the larger of the two neighbours of (x, y) along (dx, dy),
    where ``where`` holds; 0 elsewhere."""
    ahead = ((y + dy) * width + x + dx).clamp(0, flat.shape[-1] - 1)
    behind = ((y - dy) * width + x - dx).clamp(0, flat.shape[-1] - 1)
    difference = flat.gather(-1, ahead[..., None]) - flat.gather(-1, behind[..., None])
    return torch.where(where, 0.25 * torch.sign(difference[..., 0]), torch.zeros_like(
        difference[..., 0]))


class _StridedDecoding(nn.Module):
    """A decoding from heatmap cells to input pixels: ``stride`` is input size / heatmap size."""

    def __init__(self, input_size: Tuple[int, int], heatmap_size: Tuple[int, int]):
        super().__init__()
        self.register_buffer('stride', torch.tensor(input_size, dtype=torch.float32)
                             / torch.tensor(heatmap_size, dtype=torch.float32))


class MSRADecoding(_StridedDecoding):
    """MMPose's ``MSRAHeatmap`` (``unbiased=False``): the argmax cell (-1 where the maximum is
    not positive), a quarter pixel towards the larger neighbour (``refine_keypoints``: x
    where 1 < x < W - 1, y where 1 < y < H - 1), times the stride; scores the maxima."""

    def forward(self, heatmaps: Tensor) -> Decoded:
        h, w = heatmaps.shape[-2:]
        x, y, scores, flat = _argmax_cells(heatmaps)
        missing = -torch.ones_like(x)
        x, y = torch.where(scores > 0, x, missing), torch.where(scores > 0, y, missing)
        step_x = _step(flat, x, y, 1, 0, w, (x > 1) & (x < w - 1) & (y > 0) & (y < h))
        step_y = _step(flat, x, y, 0, 1, w, (y > 1) & (y < h - 1) & (x > 0) & (x < w))
        cells = torch.stack([x.to(flat.dtype) + step_x, y.to(flat.dtype) + step_y], -1)
        return cells * self.stride, scores


class AWingDecoding(_StridedDecoding):
    """``AWingHeatmap`` (the official ``get_preds_fromhm``): the argmax cell's centre plus a
    quarter pixel towards the larger neighbour on each axis when the cell is not on the border,
    times the stride, in the pixel-centre frame; scores the maxima."""

    def forward(self, heatmaps: Tensor) -> Decoded:
        h, w = heatmaps.shape[-2:]
        x, y, scores, flat = _argmax_cells(heatmaps)
        inside = (x > 0) & (x < w - 1) & (y > 0) & (y < h - 1)
        cells = torch.stack([x.to(flat.dtype) + 0.5 + _step(flat, x, y, 1, 0, w, inside),
                             y.to(flat.dtype) + 0.5 + _step(flat, x, y, 0, 1, w, inside)], -1)
        return cells * self.stride - 0.5, scores


def graph_decoding(codec: dict) -> nn.Module:
    """The decoding module of a codec config (``RegressionLabel``, ``SoftArgmaxHeatmap``,
    ``AWingHeatmap``, ``MSRAHeatmap`` without ``unbiased``); a ValueError for any other."""
    kind = codec.get('type')
    sizes = codec.get('input_size'), codec.get('heatmap_size')
    if kind == 'RegressionLabel':
        return RegressionDecoding(codec['input_size'])
    if kind == 'SoftArgmaxHeatmap':
        return SoftArgmaxDecoding(*sizes, codec.get('align_corners', True))
    if kind == 'AWingHeatmap':
        return AWingDecoding(*sizes)
    if kind == 'MSRAHeatmap' and not codec.get('unbiased', False):
        return MSRADecoding(*sizes)
    raise ValueError(f'no graph decoding for the codec {dict(codec)}: RegressionLabel, '
                     'SoftArgmaxHeatmap, AWingHeatmap and MSRAHeatmap (unbiased=False) export')
