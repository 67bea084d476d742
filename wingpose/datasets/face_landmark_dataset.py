"""COCO-style face-landmark annotations that keep what the benchmark metric groups by."""
from typing import Optional

import numpy as np
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.structures.bbox import bbox_cs2xyxy

from wingpose.registry import DATASETS


@DATASETS.register_module()
class FaceLandmarkDataset(BaseCocoStyleDataset):
    """Face landmarks in MMPose's face JSON layout, with the annotation kept for evaluation.

    Reads the files MMPose's ``Face300WDataset``, ``WFLWDataset``, ``COFWDataset`` and
    ``AFLWDataset`` read (``center``, ``scale`` = box side / 200, ``keypoints``) and the files
    of ``tools/dataset_converters``. Unlike them it keeps each annotation as ``raw_ann_info``
    (packed by ``PackPoseInputs`` by default), so :class:`FaceAlignmentMetric` sees the
    per-sample ``subset`` names (300W common/challenge, WFLW attributes, AFLW frontal,
    synthetic large-pose) and the original face box ``bbox`` ([x, y, w, h]). Choose the
    keypoint layout with ``metainfo=dict(from_file='configs/_base_/datasets/300w.py')`` (or
    wflw / cofw / aflw); 300W is the default.

    The crop box is MMPose's: the square of side ``scale * 200`` around ``center`` (given as
    ``bbox`` only, so ``GetBBoxCenterScale`` pads it without warning on every sample); an
    annotation without ``center`` / ``scale`` uses its ``bbox``.
    """

    METAINFO: dict = dict(from_file='configs/_base_/datasets/300w.py')

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        ann = raw_data_info['raw_ann_info']
        if 'center' not in ann or 'scale' not in ann:
            return super().parse_data_info(raw_data_info)
        center = np.array([ann['center']], dtype=np.float32)
        scale = np.full((1, 2), ann['scale'] * 200., dtype=np.float32)
        keypoints = np.array(ann['keypoints'], dtype=np.float32).reshape(1, -1, 3)
        return dict(
            img_id=ann['image_id'],
            img_path=raw_data_info['raw_img_info']['img_path'],
            bbox=bbox_cs2xyxy(center, scale),
            bbox_score=np.ones(1, dtype=np.float32),
            num_keypoints=ann.get('num_keypoints', int((keypoints[..., 2] > 0).sum())),
            keypoints=keypoints[..., :2],
            keypoints_visible=np.minimum(1, keypoints[..., 2]),
            iscrowd=ann.get('iscrowd', 0),
            id=ann['id'],
            category_id=np.array(ann.get('category_id', 1)),
            raw_ann_info=ann)
