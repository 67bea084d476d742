"""The PDB dataset wrapper (``PoseBalancedDataset``)."""
from typing import List, Optional, Union

import numpy as np
from mmengine.dataset import BaseDataset, ClassBalancedDataset
from mmengine.logging import print_log

from wingpose.registry import DATASETS
from wingpose.structures import face_layout
from .samplers import seed_sample
from .pose_balancing import (Balancing, balance, mirror_correlations, pose_projection,
                             procrustes_align)


@DATASETS.register_module()
class PoseBalancedDataset(ClassBalancedDataset):
    """Pose-based data balancing (Feng et al., "Wing Loss ...", CVPR 2018, Sec. 4).

    Repeats the samples of under-represented poses: the shapes are aligned by generalised
    Procrustes analysis, projected on the pose principal component, binned into ``num_bins``
    equal bins of |projection| and each bin is repeated ``round(max_count / count)`` times
    (see :mod:`wingpose.datasets.pose_balancing`). The index is deterministic; the duplicates
    differ through the training pipeline's random augmentation. Used like MMEngine's
    ``ClassBalancedDataset`` (lazy init, ``metainfo``, ``get_data_info`` of the inner dataset).

    Args:
        dataset (dict | BaseDataset): The dataset to balance.
        num_bins (int): Histogram bins K. Default: 9.
        component (int | str, optional): 0-based principal component holding the pose; None
            takes the preset for the inner dataset's ``dataset_name`` (``aflw``: 1, others:
            0); ``'auto'`` the component, of the first five, whose scores change sign when the
            shapes are mirrored (the most negative mirror correlation,
            :func:`~wingpose.datasets.pose_balancing.mirror_correlations`, with the dataset's
            ``flip_indices``): yaw is antisymmetric under a horizontal flip.
        target (int, optional): Aim every bin at this many samples instead of the largest
            bin's count.
        reflection (bool): Allow reflections in the Procrustes alignment (the official code
            does). Default: True.
        metainfo (dict, optional): The inner dataset's keypoint info, for the readers of the
            config that look for it at the top (MMPose's ``dataset_meta_from_config``, behind
            its inferencer); it must be the inner dataset's own. Default: None.
        lazy_init (bool): Defer reading the annotations. Default: False.

    Attributes:
        balancing (Balancing): bins, repeats and the histograms before and after.
        pose_component (int): The component used.
        mirror_correlation (float): Its mirror correlation (``component='auto'`` only).
    """

    def __init__(self,
                 dataset: Union[BaseDataset, dict],
                 num_bins: int = 9,
                 component: Optional[Union[int, str]] = None,
                 target: Optional[int] = None,
                 reflection: bool = True,
                 metainfo: Optional[dict] = None,
                 lazy_init: bool = False):
        if num_bins < 1:
            raise ValueError(f'num_bins must be >= 1, got {num_bins}')
        if not (component is None or component == 'auto' or (
                isinstance(component, (int, np.integer)) and not isinstance(component, bool)
                and component >= 0)):
            raise ValueError("PoseBalancedDataset: component must be an index, None or 'auto' "
                             f"(a principal component, an int >= 0), got {component!r}")
        self.num_bins = num_bins
        self.component = component
        self.target = target
        self.reflection = reflection
        self.balancing: Optional[Balancing] = None
        self.pose_component: Optional[int] = None
        self.mirror_correlation: Optional[float] = None
        if metainfo is not None and isinstance(dataset, dict) and \
                dataset.get('metainfo', metainfo) != metainfo:
            raise ValueError('PoseBalancedDataset: metainfo repeats the inner dataset\'s; got '
                             f'{metainfo!r} for a dataset with {dataset["metainfo"]!r}')
        super().__init__(dataset, oversample_thr=0., lazy_init=lazy_init)

    def __getitem__(self, idx: int) -> dict:
        """The repeated sample; a :class:`SampleKey` (``SeededSampler``) seeds its
        augmentation from (seed, epoch, index in the balanced set) first."""
        seed_sample(idx)
        return super().__getitem__(int(idx))

    def _get_repeat_factors(self, dataset: BaseDataset, repeat_thr: float) -> List[int]:
        """Repeat count of every sample, from the poses of all shapes (read once)."""
        shapes, weights = [], []
        for idx in range(len(dataset)):
            info = dataset.get_data_info(idx)
            shapes.append(np.asarray(info['keypoints'], dtype=np.float64).reshape(-1, 2))
            weights.append(np.asarray(info['keypoints_visible']).reshape(-1))
        shapes, weights = np.stack(shapes), np.stack(weights)
        aligned, mean = procrustes_align(shapes, weights, reflection=self.reflection)
        choice = ''
        if self.component == 'auto':
            flip_indices = self.metainfo.get('flip_indices')
            if not flip_indices:
                raise ValueError("PoseBalancedDataset(component='auto') needs the dataset's "
                                 'flip_indices (its metainfo has none)')
            correlations = mirror_correlations(aligned, mean, weights, flip_indices)
            component = int(np.argmin(correlations))
            self.mirror_correlation = float(correlations[component])
            choice = (f', chosen: mirror correlations '
                      f'{np.round(correlations, 2).tolist()}')
        elif self.component is not None:
            component = self.component
        else:
            try:  # the layout's (the Wing paper uses the second for AFLW-19)
                component = face_layout(self.metainfo.get('dataset_name')).pose_component
            except ValueError:
                component = 0
        self.pose_component = component
        scores = pose_projection(aligned, mean, weights, component)
        self.balancing = balance(scores, self.num_bins, self.target)
        print_log(
            f'PoseBalancedDataset: {len(shapes)} -> {int(self.balancing.repeats.sum())} samples '
            f'(component {component}{choice}, {self.num_bins} bins)\n'
            f'  histogram before: {self.balancing.counts_before.tolist()}\n'
            f'  histogram after:  {self.balancing.counts_after.tolist()}', logger='current')
        return self.balancing.repeats.tolist()
