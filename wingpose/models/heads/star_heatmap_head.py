"""The heatmap head of the official STAR model: STAR-trained distributions, AWing-trained gates."""
from typing import Tuple

import torch
import torch.nn.functional as F
from mmpose.utils.typing import ConfigType, OptSampleList
from torch import Tensor, nn

from wingpose.registry import MODELS
from ..utils import star_coordinates
from .boundary_heatmap_head import BoundaryHeatmapHead


@MODELS.register_module()
class STARHeatmapHead(BoundaryHeatmapHead):
    """Landmark distributions trained by STAR, gated by point heatmaps trained by AWing.

    The official STAR model (Zhou et al., CVPR 2023, ``StackedHGNetV1`` with its attention
    module) predicts from the same features, per landmark ``k``:

    * a distribution map ``D_k = ReLU(InstanceNorm(conv(x)))``, supervised by nothing but STAR;
    * a point map ``P_k = sigmoid(conv(x))`` (and one map per boundary), supervised by AWing
      with the weighted loss map against the Gaussian targets;

    and its heatmap is the product ``H_k = D_k P_k``: STAR (weight 1) constrains the mean and
    covariance of ``H_k`` and soft-argmax decoding returns its mean. The official model also
    multiplies ``H_k`` by the boundary maps of the boundaries through ``k``; here boundary maps
    (``num_boundaries`` and the ``GenerateBoundaryHeatmaps`` transform, as in
    :class:`BoundaryHeatmapHead`) are trained by ``loss`` but gate nothing.

    STAR needs coordinates: the ``SoftArgmaxHeatmap`` codec encodes ``keypoint_labels``
    (in the [-1, 1] frame of its soft-argmax) beside the heatmaps, and decodes by soft-argmax.

    Args:
        loss (dict): The point and boundary map loss, e.g. ``AdaptiveWingLoss`` with
            ``use_weight_map=True, loss_weight=10``.
        star_loss (dict): The loss on the heatmaps' distributions. Default: ``STARLoss``.
        **kwargs: Arguments of :class:`BoundaryHeatmapHead` (``final_layer`` must not be
            None: the distribution layer is a twin of it).
    """

    def __init__(self, *args, star_loss: ConfigType = dict(type='STARLoss'), **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(self.final_layer, nn.Conv2d):
            raise ValueError('STARHeatmapHead needs a convolutional final_layer (got '
                             f'{type(self.final_layer).__name__}): its distribution layer '
                             'has the same input')
        self.distribution_layer = nn.Conv2d(
            self.final_layer.in_channels, self.num_keypoints, self.final_layer.kernel_size,
            padding=self.final_layer.padding)
        self.star_loss = MODELS.build(star_loss)

    def forward_maps(self, feats: Tuple[Tensor]) -> Tuple[Tensor, Tensor]:
        """Point and boundary maps ``P`` (N, K + B, H, W) and distributions ``D`` (N, K, H, W)."""
        x = self.conv_layers(self.deconv_layers(feats[-1]))
        points = torch.sigmoid(self.final_layer(x))
        distributions = F.relu(F.instance_norm(self.distribution_layer(x)))
        return points, distributions

    def forward_all(self, feats: Tuple[Tensor]) -> Tensor:
        """Point and boundary maps, (N, K + B, H, W), in [0, 1]."""
        return self.forward_maps(feats)[0]

    def forward(self, feats: Tuple[Tensor]) -> Tensor:
        """Landmark heatmaps ``D P``, (N, K, H, W): what STAR constrains and decoding reads."""
        points, distributions = self.forward_maps(feats)
        return distributions * points[:, :self.num_keypoints]

    def loss(self, feats: Tuple[Tensor], batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """``loss_kpt`` (point and boundary maps) and ``loss_star`` (landmark heatmaps)."""
        gt_heatmaps, weights = self._targets(batch_data_samples)
        points, distributions = self.forward_maps(feats)
        coords = star_coordinates(batch_data_samples, type(self).__name__)
        k = self.num_keypoints
        return dict(loss_kpt=self.loss_module(points, gt_heatmaps, weights),
                    loss_star=self.star_loss(distributions * points[:, :k], coords,
                                             weights[:, :k]))
