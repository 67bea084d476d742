"""A heatmap head trained with a heatmap loss (AWing) plus STAR on the coordinates."""
from typing import Tuple

import torch
import torch.nn.functional as F
from mmpose.utils.typing import ConfigType, OptSampleList
from torch import Tensor

from wingpose.registry import MODELS
from .boundary_heatmap_head import BoundaryHeatmapHead


@MODELS.register_module()
class STARHeatmapHead(BoundaryHeatmapHead):
    """A heatmap head with the STAR loss added on ground-truth coordinates.

    The official STAR training adds, per stack, STAR (weight 1) to AWing with the weighted
    loss map on the landmark heatmaps (weight 10) and on the boundary heatmaps (weight 10).
    Here ``loss`` is the heatmap loss over landmark and boundary channels (e.g.
    ``AdaptiveWingLoss`` with ``loss_weight=10``; boundaries with ``num_boundaries`` and the
    ``GenerateBoundaryHeatmaps`` transform, see :class:`BoundaryHeatmapHead`) and
    ``star_loss`` the :class:`STARLoss` (``loss_weight=1``) on the landmark channels. STAR needs
    coordinates: the ``SoftArgmaxHeatmap`` codec encodes ``keypoint_labels`` (normalised to the
    input) beside the heatmaps and decodes by soft-argmax. The labels are mapped to the
    heatmap's [-1, 1] frame; heatmaps enter STAR through a ReLU (STAR reads them as
    non-negative distributions).

    Args:
        star_loss (dict): Config of the coordinate loss on heatmaps. Default: STARLoss.
        **kwargs: Arguments of :class:`BoundaryHeatmapHead`.
    """

    def __init__(self, *args, star_loss: ConfigType = dict(type='STARLoss'), **kwargs):
        super().__init__(*args, **kwargs)
        self.star_loss = MODELS.build(star_loss)

    def loss(self, feats: Tuple[Tensor], batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """``loss_kpt`` (heatmap loss, landmarks and boundaries) and ``loss_star``."""
        gt_heatmaps, weights = self._targets(batch_data_samples)
        labels = [d.gt_instance_labels.get('keypoint_labels') for d in batch_data_samples]
        if any(label is None for label in labels):
            raise ValueError('STARHeatmapHead needs keypoint_labels: encode the targets with '
                             "the SoftArgmaxHeatmap codec (GenerateTarget(encoder=codec))")
        heatmaps = self.forward_all(feats)
        h, w = heatmaps.shape[-2:]
        size = labels[0].new_tensor([w, h])
        coords = torch.cat(labels) * size / (size - 1) * 2 - 1  # normalised -> [-1, 1] grid
        k = self.num_landmarks
        return dict(loss_kpt=self.loss_module(heatmaps, gt_heatmaps, weights),
                    loss_star=self.star_loss(F.relu(heatmaps[:, :k]), coords, weights[:, :k]))
