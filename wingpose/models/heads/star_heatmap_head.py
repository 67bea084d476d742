"""A heatmap head trained with a heatmap loss (AWing) plus STAR on the coordinates."""
from typing import Tuple

import torch
import torch.nn.functional as F
from mmpose.models.heads import HeatmapHead
from mmpose.utils.typing import ConfigType, OptSampleList
from torch import Tensor

from wingpose.registry import MODELS


@MODELS.register_module()
class STARHeatmapHead(HeatmapHead):
    """MMPose's ``HeatmapHead`` with the STAR loss added on ground-truth coordinates.

    The official STAR training adds, per stack, STAR (weight 1) to AWing with the weighted
    loss map (weight 10). Here ``loss`` is the heatmap loss (e.g. ``AdaptiveWingLoss`` with
    ``loss_weight=10``) and ``star_loss`` the :class:`STARLoss` (``loss_weight=1``). STAR needs
    coordinates: the ``SoftArgmaxHeatmap`` codec encodes ``keypoint_labels`` (normalised to the
    input) beside the heatmaps and decodes by soft-argmax. The labels are mapped to the
    heatmap's [-1, 1] frame; heatmaps enter STAR through a ReLU (STAR reads them as
    non-negative distributions).

    Args:
        star_loss (dict): Config of the coordinate loss on heatmaps. Default: STARLoss.
        **kwargs: Arguments of MMPose's ``HeatmapHead``.
    """

    def __init__(self, *args, star_loss: ConfigType = dict(type='STARLoss'), **kwargs):
        super().__init__(*args, **kwargs)
        self.star_loss = MODELS.build(star_loss)

    def loss(self, feats: Tuple[Tensor], batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """``loss_kpt`` (heatmap loss) and ``loss_star``."""
        heatmaps = self.forward(feats)
        gt_heatmaps = torch.stack([d.gt_fields.heatmaps for d in batch_data_samples])
        weights = torch.cat([d.gt_instance_labels.keypoint_weights for d in batch_data_samples])
        labels = [d.gt_instance_labels.get('keypoint_labels') for d in batch_data_samples]
        if any(label is None for label in labels):
            raise ValueError('STARHeatmapHead needs keypoint_labels: encode the targets with '
                             "the SoftArgmaxHeatmap codec (GenerateTarget(encoder=codec))")
        h, w = heatmaps.shape[-2:]
        size = labels[0].new_tensor([w, h])
        coords = torch.cat(labels) * size / (size - 1) * 2 - 1  # normalised -> [-1, 1] grid
        return dict(loss_kpt=self.loss_module(heatmaps, gt_heatmaps, weights),
                    loss_star=self.star_loss(F.relu(heatmaps), coords, weights))
