"""A heatmap head that also regresses facial boundary heatmaps (Adaptive Wing paper)."""
from typing import Tuple

import torch
from mmpose.models.heads import HeatmapHead
from mmpose.utils.typing import ConfigType, OptSampleList
from torch import Tensor

from wingpose.registry import MODELS


@MODELS.register_module()
class BoundaryHeatmapHead(HeatmapHead):
    """MMPose's ``HeatmapHead`` with ``num_boundaries`` extra output channels.

    The boundary channels (Wang et al., ICCV 2019: one heatmap per facial boundary line,
    targets from the ``GenerateBoundaryHeatmaps`` transform) are trained with the same loss
    as the landmark channels; :meth:`forward`, prediction, flip test and decoding see the
    ``out_channels`` landmark channels only. With ``num_boundaries=0`` it is ``HeatmapHead``.

    Args:
        out_channels (int): Number of landmarks.
        num_boundaries (int): Number of boundary channels (13 for the 68 and 98-point
            presets). Default: 0.
        **kwargs: Arguments of MMPose's ``HeatmapHead``.
    """

    def __init__(self, in_channels, out_channels: int, *args, num_boundaries: int = 0,
                 **kwargs):
        super().__init__(in_channels, out_channels + num_boundaries, *args, **kwargs)
        self.num_keypoints = out_channels
        self.num_boundaries = num_boundaries

    def forward_all(self, feats: Tuple[Tensor]) -> Tensor:
        """Landmark and boundary heatmaps, (N, K + B, H, W)."""
        return super().forward(feats)

    def forward(self, feats: Tuple[Tensor]) -> Tensor:
        """Landmark heatmaps, (N, K, H, W)."""
        return self.forward_all(feats)[:, :self.num_keypoints]

    def _targets(self, batch_data_samples: OptSampleList) -> Tuple[Tensor, Tensor]:
        heatmaps = torch.stack([d.gt_fields.heatmaps for d in batch_data_samples])
        weights = torch.cat([d.gt_instance_labels.keypoint_weights for d in batch_data_samples])
        expected = self.num_keypoints + self.num_boundaries
        if heatmaps.shape[1] != expected or weights.shape[1] != expected:
            raise ValueError(
                f'{type(self).__name__} expects {self.num_keypoints} landmark + '
                f'{self.num_boundaries} boundary target heatmaps and weights, got '
                f'{heatmaps.shape[1]} heatmaps and {weights.shape[1]} weights (add or remove '
                'GenerateBoundaryHeatmaps in the pipeline, or set num_boundaries)')
        return heatmaps, weights

    def loss(self, feats: Tuple[Tensor], batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """``loss_kpt`` over the landmark and boundary channels."""
        heatmaps, weights = self._targets(batch_data_samples)
        return dict(loss_kpt=self.loss_module(self.forward_all(feats), heatmaps, weights))
