"""Intermediate supervision of the stacked hourglass networks (AWing and STAR)."""
from typing import Optional, Sequence, Tuple

import torch
from mmpose.models.heads import HeatmapHead
from mmpose.utils.typing import ConfigType, OptConfigType, OptSampleList
from torch import Tensor

from wingpose.registry import MODELS
from ..utils import star_coordinates


@MODELS.register_module()
class StackedHeatmapHead(HeatmapHead):
    """Losses over every stack of a stacked hourglass backbone, prediction from the last.

    The backbone (``AWingHourglassNet`` or ``STARHourglassNet``) returns one tensor per stack,
    its channels in the backbone's ``layout``: ``'star'`` (``STARHourglassNet``,
    ``cat(H, P, E)``) has K gated heatmaps ``H`` first, trained by ``star_loss`` on the
    coordinates and/or by ``heatmap_loss`` against the landmark targets, then the maps trained
    against the targets; ``'awing'`` (``AWingHourglassNet``, ``cat(P, E)``) has only the maps
    trained against the targets, the first K being the heatmaps. The targets are the K landmark
    heatmaps (the codec) followed by ``num_boundaries`` maps: AWing's boundary maps
    (``GenerateBoundaryHeatmaps``) or STAR's edge maps (``GenerateEdgeMaps``), one name for
    both as they take the same place in the targets and the outputs. Stack ``s`` weighs
    ``stack_weights[s]``; per stack::

        loss_kpt_s      = w_s * loss(landmark maps, landmark targets)
        loss_boundary_s = w_s * boundary_loss(boundary maps, boundary targets)
        loss_star_s     = w_s * star_loss(H, coordinates)
        loss_heatmap_s  = w_s * heatmap_loss(H, landmark targets)

    With ``boundary_loss=None`` the boundary maps are part of ``loss_kpt_s`` (one average over
    K + B channels). STAR's official weights are ``stack_weights=(1/8, 1/4, 1/2, 1)``, AWing
    x10 on points and edges, STAR x1 (``conf/alignment.py``).

    Prediction, flip test and decoding are MMPose's ``HeatmapHead`` on the last stack's K
    heatmaps.

    Args:
        out_channels (int): K landmarks.
        num_boundaries (int): B boundary or edge maps per stack.
        stack_weights (Sequence[float]): One weight per stack.
        loss (dict): Loss of the landmark maps (with the boundary maps if no
            ``boundary_loss``).
        boundary_loss (dict, optional): Loss of the boundary maps.
        star_loss (dict, optional): STAR loss on the heatmaps (``layout='star'``).
        heatmap_loss (dict, optional): A loss of the heatmaps against the landmark targets
            (e.g. AWing, to train STAR's network without STAR; ``layout='star'``).
        layout (str, optional): The backbone's channels, ``'star'`` or ``'awing'`` (above).
            None: ``'star'`` with ``star_loss`` or ``heatmap_loss``, else ``'awing'``.
        decoder (dict, optional): The codec.
    """

    def __init__(self, out_channels: int, num_boundaries: int,
                 stack_weights: Sequence[float], loss: ConfigType,
                 boundary_loss: OptConfigType = None, star_loss: OptConfigType = None,
                 heatmap_loss: OptConfigType = None, layout: Optional[str] = None,
                 decoder: OptConfigType = None, init_cfg: OptConfigType = None):
        super().__init__(in_channels=out_channels, out_channels=out_channels,
                         deconv_out_channels=None, final_layer=None, loss=loss,
                         decoder=decoder, init_cfg=init_cfg)
        self.num_boundaries = num_boundaries
        self.stack_weights = tuple(float(w) for w in stack_weights)
        self.boundary_loss = MODELS.build(boundary_loss) if boundary_loss else None
        self.star_loss = MODELS.build(star_loss) if star_loss else None
        self.heatmap_loss = MODELS.build(heatmap_loss) if heatmap_loss else None
        if layout is None:
            layout = 'star' if star_loss or heatmap_loss else 'awing'
        if layout not in ('star', 'awing'):
            raise ValueError(f"{type(self).__name__}: layout must be 'star' or 'awing', got "
                             f'{layout!r}')
        if (layout == 'star') != bool(star_loss or heatmap_loss):
            raise ValueError(f"{type(self).__name__}: star_loss or heatmap_loss train the "
                             "gated heatmaps of layout='star' (the prediction): give one with "
                             f"layout='star' and neither with layout='awing', got {layout!r}")
        self.layout = layout

    def forward(self, feats: Tuple[Tensor, ...]) -> Tensor:
        """The last stack's landmark heatmaps, (N, K, H, W)."""
        return feats[-1][:, :self.out_channels]

    def _targets(self, feats: Tuple[Tensor, ...],
                 batch_data_samples: OptSampleList) -> Tuple[Tensor, Tensor]:
        k, b = self.out_channels, self.num_boundaries
        if len(feats) != len(self.stack_weights):
            raise ValueError(f'{type(self).__name__} has {len(self.stack_weights)} '
                             f'stack_weights but the backbone returned {len(feats)} stacks')
        expected = (2 * k + b) if self.layout == 'star' else (k + b)
        if feats[0].shape[1] != expected:
            raise ValueError(f'{type(self).__name__} expects {expected} channels per stack '
                             f'(K={k}, B={b}, layout {self.layout!r}), got '
                             f'{feats[0].shape[1]}')
        heatmaps = torch.stack([d.gt_fields.heatmaps for d in batch_data_samples])
        weights = torch.cat([d.gt_instance_labels.keypoint_weights for d in batch_data_samples])
        if heatmaps.shape[1] != k + b or weights.shape[1] != k + b:
            raise ValueError(
                f'{type(self).__name__} expects {k} landmark + {b} boundary target heatmaps '
                f'and weights, got {heatmaps.shape[1]} heatmaps and {weights.shape[1]} weights '
                '(add GenerateBoundaryHeatmaps or GenerateEdgeMaps to the pipeline, or set '
                'num_boundaries)')
        return heatmaps, weights

    def loss(self, feats: Tuple[Tensor, ...], batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """Per-stack ``loss_kpt_s``, ``loss_boundary_s``, ``loss_star_s`` and
        ``loss_heatmap_s`` (s = 0, 1, ...), those configured."""
        targets, weights = self._targets(feats, batch_data_samples)
        k = self.out_channels
        coords = (star_coordinates(batch_data_samples, type(self).__name__)
                  if self.star_loss else None)
        losses = dict()
        for s, (maps, stack_weight) in enumerate(zip(feats, self.stack_weights)):
            if self.star_loss:
                losses[f'loss_star_{s}'] = stack_weight * self.star_loss(
                    maps[:, :k], coords, weights[:, :k])
            if self.heatmap_loss:
                losses[f'loss_heatmap_{s}'] = stack_weight * self.heatmap_loss(
                    maps[:, :k], targets[:, :k], weights[:, :k])
            if self.layout == 'star':
                maps = maps[:, k:]
            if self.boundary_loss:
                losses[f'loss_kpt_{s}'] = stack_weight * self.loss_module(
                    maps[:, :k], targets[:, :k], weights[:, :k])
                losses[f'loss_boundary_{s}'] = stack_weight * self.boundary_loss(
                    maps[:, k:], targets[:, k:], weights[:, k:])
            else:
                losses[f'loss_kpt_{s}'] = stack_weight * self.loss_module(
                    maps, targets, weights)
        return losses
