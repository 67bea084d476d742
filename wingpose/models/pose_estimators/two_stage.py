"""The two-stage CNN6 -> CNN7 framework of the Wing loss paper as an MMPose top-down model."""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import load_state_dict
from mmpose.models.utils.tta import flip_coordinates
from mmpose.utils.typing import ConfigType, OptConfigType, OptSampleList, SampleList
from torch import Tensor

from wingpose.registry import MODELS
from ..utils.alignment import (alignment_from_landmarks, apply_affine, compose_affine,
                               eye_groups_for, invert_affine, random_similarity, warp_crop)
from .topdown import TopdownPoseEstimator

STAGES = ('coarse', 'fine')


@MODELS.register_module()
class TwoStageTopdownEstimator(TopdownPoseEstimator):
    """Coarse landmarks, in-plane alignment, fine landmarks (Feng et al., CVPR 2018, Sec. 5).

    The input crop is at the fine stage's resolution (e.g. 128x128). The coarse stage
    (``coarse_backbone`` + ``coarse_head``, CNN6) sees it area-averaged to ``coarse_input_size``
    and regresses the landmarks; from them the eye line is made horizontal and the box is
    replaced by the landmarks' extent padded by ``crop_padding``
    (:func:`~wingpose.models.utils.alignment_from_landmarks`); the aligned crop is resampled
    from the input with ``grid_sample``; the fine stage (``backbone`` + ``head``, CNN7)
    regresses the landmarks there and they are mapped back to the input crop, then to the
    image as in any MMPose top-down model.

    Training optimises both stages (``loss_coarse`` and ``loss_fine``, each with its head's
    loss): the fine stage's alignment comes from the detached coarse predictions, perturbed by
    a random similarity (``train_jitter``) so that it sees realistic stage-1 errors. Both
    heads regress coordinates normalised to their own input (``RegressionLabel``).

    Args:
        backbone, head (dict): The fine stage (MMPose's ``backbone`` / ``head``).
        coarse_backbone, coarse_head (dict): The coarse stage.
        coarse_input_size (int): Side of the coarse stage's input. Default: 64.
        eye_groups (tuple, optional): Keypoint indices of the two eye centres; by default the
            preset for the number of keypoints (68, 98, 29, 19).
        crop_padding (float): Margin of the aligned crop around the landmarks. Default: 0.25.
        train_jitter (dict): Std of the alignment perturbation in training: ``rotate``
            (degrees), ``shift`` (fraction of the crop), ``scale``.
        frozen_stages (Sequence[str]): Stages (``'coarse'``, ``'fine'``) whose weights are
            frozen: no gradient, eval mode, no loss. Default: ().
        stage_checkpoints (dict, optional): ``{'coarse': path, 'fine': path}``: checkpoints of
            single-stage models (``backbone.*``, ``head.*``) loaded into a stage by
            ``init_weights``.
        neck, train_cfg, test_cfg, data_preprocessor, init_cfg, metainfo, strict_load: as in
            :class:`~wingpose.models.TopdownPoseEstimator`.
    """

    def __init__(self,
                 backbone: ConfigType,
                 head: ConfigType,
                 coarse_backbone: ConfigType,
                 coarse_head: ConfigType,
                 coarse_input_size: int = 64,
                 eye_groups: Optional[Tuple[Sequence[int], Sequence[int]]] = None,
                 crop_padding: float = 0.25,
                 train_jitter: Dict[str, float] = dict(rotate=5., shift=0.03, scale=0.05),
                 frozen_stages: Sequence[str] = (),
                 stage_checkpoints: Optional[Dict[str, str]] = None,
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None,
                 metainfo: Optional[dict] = None,
                 strict_load: bool = True):
        super().__init__(backbone=backbone, neck=neck, head=head, train_cfg=train_cfg,
                         test_cfg=test_cfg, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg, metainfo=metainfo, strict_load=strict_load)
        self.coarse_backbone = MODELS.build(coarse_backbone)
        self.coarse_head = MODELS.build(coarse_head)
        unknown = set(frozen_stages) - set(STAGES) | set(stage_checkpoints or {}) - set(STAGES)
        if unknown:
            raise ValueError(f'unknown stage(s) {sorted(unknown)}: stages are {STAGES}')
        if set(train_jitter) - {'rotate', 'shift', 'scale'}:
            raise ValueError(f'train_jitter takes rotate, shift and scale, got {train_jitter}')
        self.coarse_input_size = coarse_input_size
        self.eye_groups = eye_groups_for(self.head.num_joints, eye_groups)
        self.crop_padding = crop_padding
        self.train_jitter = dict(dict(rotate=0., shift=0., scale=0.), **train_jitter)
        self.frozen_stages = tuple(frozen_stages)
        self.stage_checkpoints = dict(stage_checkpoints or {})
        for stage in self.frozen_stages:
            for module in self._stage_modules(stage):
                module.requires_grad_(False)

    def _stage_modules(self, stage: str):
        return (self.coarse_backbone, self.coarse_head) if stage == 'coarse' \
            else (self.backbone, self.head)

    def init_weights(self):
        super().init_weights()
        # Not MMEngine's init_cfg=dict(type='Pretrained', prefix='backbone.'): it loads with
        # strict=False, so a checkpoint of another architecture (a CNN7 for the CNN6 stage)
        # would load with warnings only; a stage must load completely or not at all.
        for stage, path in self.stage_checkpoints.items():
            checkpoint = CheckpointLoader.load_checkpoint(path, map_location='cpu')
            state = checkpoint.get('state_dict', checkpoint)
            for prefix, module in zip(('backbone.', 'head.'), self._stage_modules(stage)):
                part = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
                if not part:
                    raise KeyError(f'{path}: no {prefix}* weights for the {stage} stage (a '
                                   'single-stage checkpoint is expected)')
                load_state_dict(module, part, strict=True)

    def train(self, mode: bool = True):
        super().train(mode)
        for stage in self.frozen_stages:
            for module in self._stage_modules(stage):
                module.eval()
        return self

    def coarse_forward(self, inputs: Tensor) -> Tensor:
        """Coarse landmarks (N, K, 2), normalised to the input crop.

        The crop is reduced by area averaging (a box filter, exact for the 128 -> 64 halving
        and exportable to ONNX).
        """
        small = F.adaptive_avg_pool2d(inputs, self.coarse_input_size)
        return self.coarse_head.forward(self.coarse_backbone(small))

    def fine_forward(self, inputs: Tensor, alignment: Tensor) -> Tensor:
        """Fine landmarks (N, K, 2), normalised to the aligned crop given by ``alignment``."""
        out_size = self.backbone.input_size
        return self.head.forward(self.extract_feat(warp_crop(inputs, alignment, out_size)))

    def align(self, inputs: Tensor, coarse: Tensor, jitter: bool = False) -> Tensor:
        """The aligned-crop -> input-crop matrix from coarse (normalised) landmarks."""
        size = inputs.shape[-1]
        out_size = self.backbone.input_size
        alignment = alignment_from_landmarks(coarse.detach() * size, self.eye_groups, out_size,
                                             self.crop_padding)
        if jitter and any(self.train_jitter.values()):
            alignment = compose_affine(
                alignment, random_similarity(len(alignment), out_size, like=alignment,
                                             **self.train_jitter))
        return alignment

    def forward_landmarks(self, inputs: Tensor) -> Tensor:
        """Both stages: landmarks (N, K, 2) normalised to the input crop."""
        coarse = self.coarse_forward(inputs)
        alignment = self.align(inputs, coarse)
        fine = self.fine_forward(inputs, alignment) * self.backbone.input_size
        return apply_affine(alignment, fine) / inputs.shape[-1]

    def _forward(self, inputs: Tensor, data_samples: OptSampleList = None) -> Tensor:
        """``mode='tensor'``: both stages, landmarks (N, K, 2) normalised to the input crop."""
        return self.forward_landmarks(inputs)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """``loss_coarse`` on the input crop, ``loss_fine`` on the (jittered) aligned crop."""
        labels = torch.cat([d.gt_instance_labels.keypoint_labels for d in data_samples])
        weights = torch.cat([d.gt_instance_labels.keypoint_weights for d in data_samples])
        weights = weights.unsqueeze(-1)
        losses = dict()
        coarse = self.coarse_forward(inputs)
        if 'coarse' not in self.frozen_stages:
            losses['loss_coarse'] = self.coarse_head.loss_module(coarse, labels, weights)
        if 'fine' not in self.frozen_stages:
            size, out_size = inputs.shape[-1], self.backbone.input_size
            alignment = self.align(inputs, coarse, jitter=True)
            fine_labels = apply_affine(invert_affine(alignment), labels * size) / out_size
            fine = self.fine_forward(inputs, alignment)
            losses['loss_fine'] = self.head.loss_module(fine, fine_labels, weights)
        return losses

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        """Landmarks of both stages, averaged with the flipped input when ``flip_test``."""
        coords = self.forward_landmarks(inputs)
        if self.test_cfg.get('flip_test', False):
            meta = data_samples[0].metainfo
            flipped = flip_coordinates(
                self.forward_landmarks(inputs.flip(-1)), flip_indices=meta['flip_indices'],
                shift_coords=self.test_cfg.get('shift_coords', True),
                input_size=meta['input_size'])
            coords = (coords + flipped) / 2
        preds = self.head.decode(coords.unsqueeze(1))
        return self.add_pred_to_datasample(preds, None, data_samples)
