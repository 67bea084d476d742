"""COCO-style face-landmark annotations that keep what the benchmark metric groups by."""
import logging
import os.path as osp
from copy import deepcopy
from typing import List, Optional

import mmpose
import numpy as np
from mmengine.logging import print_log
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.structures.bbox import bbox_cs2xyxy

from wingpose.registry import DATASETS
from .face_checks import implausible_face
from .samplers import seed_sample


def metainfo_file(path: str) -> str:
    """The keypoint-metainfo config that ``path`` names: ``path`` itself if it exists, else the
    file at that path in MMPose's installed configs (``mmpose/.mim/configs/...``).

    Configs name MMPose's keypoint metainfo by its path in MMPose's repository
    (``configs/_base_/datasets/300w.py``), which exists only when running from an MMPose
    checkout. MMPose then falls back to its installed copy with a warning on every dataset
    built; this resolves the same file without one.
    """
    if osp.isfile(path):
        return path
    installed = osp.join(osp.dirname(mmpose.__file__), '.mim', path)
    if osp.isfile(installed):
        return installed
    raise FileNotFoundError(f'keypoint metainfo file {path!r} not found, neither as given nor '
                            f'in MMPose\'s installed configs ({installed})')


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
    wflw / cofw / aflw); 300W is the default. The path is MMPose's, resolved by
    :func:`metainfo_file`.

    The crop box is MMPose's: the square of side ``scale * 200`` around ``center`` (given as
    ``bbox`` only, so ``GetBBoxCenterScale`` pads it without warning on every sample); an
    annotation without ``center`` / ``scale`` uses its ``bbox``. Faces of another landmark
    count, implausible faces (a landmark far outside the image, a box of no size) and faces
    MMPose leaves out are named (file, annotation id, reason) in a warning and left out
    (``invalid_faces='error'``: an error).
    """

    METAINFO: dict = dict(from_file='configs/_base_/datasets/300w.py')

    def __init__(self, *args, invalid_faces: str = 'warn', **kwargs) -> None:
        if invalid_faces not in ('warn', 'error'):
            raise ValueError(f"FaceLandmarkDataset: invalid_faces must be 'warn' or 'error', "
                             f'got {invalid_faces!r}')
        self.invalid_faces = invalid_faces
        super().__init__(*args, **kwargs)

    def _get_topdown_data_infos(self, instance_list: List[dict]) -> List[dict]:
        """The plausible faces that MMPose keeps. Left out, counted and named in a warning
        (``invalid_faces='error'``: an error): faces whose landmark count is not the
        layout's or that are implausible (:func:`~wingpose.datasets.face_checks.
        implausible_face`: a landmark far outside the image, a box or crop of no size), and
        those MMPose leaves out (a crowd annotation, no labelled landmark, an empty box or
        crop, landmarks all at or below 0). A file whose every face is left out is an error
        (a file of another layout, say)."""
        problems = {id(info): info.pop('implausible') for info in instance_list
                    if 'implausible' in info}
        plausible = [info for info in instance_list if id(info) not in problems]
        kept = super()._get_topdown_data_infos(plausible)
        if len(kept) == len(instance_list):
            return kept
        kept_ids = {id(info) for info in kept}
        named = [f'annotation {info.get("id")}: {problems[id(info)]}'
                 for info in instance_list if id(info) in problems]
        by_mmpose = [info.get('id') for info in plausible if id(info) not in kept_ids]
        if by_mmpose:
            named.append(f'annotation ids {by_mmpose[:10]}{" ..." if len(by_mmpose) > 10 else ""}'
                         ': a crowd annotation, no labelled landmark, an empty or negative '
                         'box or crop, or landmarks all at or below 0')
        message = (f'{self.ann_file}: {len(instance_list) - len(kept)} of {len(instance_list)} '
                   'faces left out; ' + '; '.join(named[:10])
                   + (f'; and {len(named) - 10} more' if len(named) > 10 else ''))
        if self.invalid_faces == 'error' or not kept:  # nothing left to train or test on
            raise ValueError(message)
        print_log(message, logger='current', level=logging.WARNING)
        return kept

    def __getitem__(self, idx: int) -> dict:
        """The sample through the pipeline; a :class:`SampleKey` (``SeededSampler``) seeds
        its augmentation from (seed, epoch, index) first."""
        seed_sample(idx)
        return super().__getitem__(int(idx))

    @classmethod
    def _load_metainfo(cls, metainfo: Optional[dict] = None) -> dict:
        metainfo = deepcopy(cls.METAINFO) if metainfo is None else metainfo
        if isinstance(metainfo, dict) and 'from_file' in metainfo:
            metainfo = dict(metainfo, from_file=metainfo_file(metainfo['from_file']))
        return super()._load_metainfo(metainfo)

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        ann = raw_data_info['raw_ann_info']
        if 'center' not in ann or 'scale' not in ann:
            info = super().parse_data_info(raw_data_info)
            center = scale = None
        else:
            # in double, as the official crops compute with them (float32 moves a crop of a
            # large photo by 1e-4 pixels, enough to change some of OpenCV's 1/32-pixel sample
            # positions)
            center = np.array([ann['center']], dtype=np.float64)
            scale = ann['scale']
            keypoints = np.array(ann['keypoints'], dtype=np.float32).reshape(1, -1, 3)
            info = dict(
                img_id=ann['image_id'],
                img_path=raw_data_info['raw_img_info']['img_path'],
                bbox=bbox_cs2xyxy(center, np.full((1, 2), scale * 200., dtype=np.float64)),
                bbox_score=np.ones(1, dtype=np.float32),
                num_keypoints=ann.get('num_keypoints', int((keypoints[..., 2] > 0).sum())),
                keypoints=keypoints[..., :2],
                keypoints_visible=np.minimum(1, keypoints[..., 2]),
                iscrowd=ann.get('iscrowd', 0),
                id=ann['id'],
                category_id=np.array(ann.get('category_id', 1)),
                raw_ann_info=ann)
        if info:
            problem = self._implausible(ann, raw_data_info['raw_img_info'], info, center, scale)
            if problem:
                info['implausible'] = problem
        return info

    def _implausible(self, ann: dict, image: dict, info: dict, center: Optional[np.ndarray],
                     scale: Optional[float]) -> Optional[str]:
        """What keeps the face from training or testing, or None (the layout, then
        :func:`~wingpose.datasets.face_checks.implausible_face`)."""
        count, expected = info['keypoints'].shape[1], self.metainfo['num_keypoints']
        if count != expected:
            return (f'{count} landmarks, where the dataset\'s layout '
                    f'({self.metainfo.get("dataset_name", "?")}) has {expected}')
        box = ann.get('bbox')
        if box is None:  # a crop given by center / scale alone
            x1, y1, x2, y2 = info['bbox'][0]
            box = [x1, y1, x2 - x1, y2 - y1]
        return implausible_face(info['keypoints'][0], info['keypoints_visible'][0], box,
                                image.get('width'), image.get('height'),
                                None if center is None else center[0], scale)
