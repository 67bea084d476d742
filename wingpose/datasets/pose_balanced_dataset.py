"""The PDB dataset wrapper (``PoseBalancedDataset``)."""
from typing import List, Optional, Union

import numpy as np
from mmengine.dataset import BaseDataset, ClassBalancedDataset
from mmengine.logging import print_log

from wingpose.registry import DATASETS
from .pose_balancing import Balancing, balance, pose_projection, procrustes_align

# The pose component (0-based) per dataset_name: the Wing paper uses the second for AFLW-19.
POSE_COMPONENT = {'aflw': 1}


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
        component (int, optional): 0-based principal component holding the pose; None takes
            the preset for the inner dataset's ``dataset_name`` (``aflw``: 1, others: 0).
        target (int, optional): Aim every bin at this many samples instead of the largest
            bin's count.
        reflection (bool): Allow reflections in the Procrustes alignment (the official code
            does). Default: True.
        lazy_init (bool): Defer reading the annotations. Default: False.

    Attributes:
        balancing (Balancing): bins, repeats and the histograms before and after.
    """

    def __init__(self,
                 dataset: Union[BaseDataset, dict],
                 num_bins: int = 9,
                 component: Optional[int] = None,
                 target: Optional[int] = None,
                 reflection: bool = True,
                 lazy_init: bool = False):
        if num_bins < 1:
            raise ValueError(f'num_bins must be >= 1, got {num_bins}')
        self.num_bins = num_bins
        self.component = component
        self.target = target
        self.reflection = reflection
        self.balancing: Optional[Balancing] = None
        super().__init__(dataset, oversample_thr=0., lazy_init=lazy_init)

    def _get_repeat_factors(self, dataset: BaseDataset, repeat_thr: float) -> List[int]:
        """Repeat count of every sample, from the poses of all shapes (read once)."""
        shapes, weights = [], []
        for idx in range(len(dataset)):
            info = dataset.get_data_info(idx)
            shapes.append(np.asarray(info['keypoints'], dtype=np.float64).reshape(-1, 2))
            weights.append(np.asarray(info['keypoints_visible']).reshape(-1))
        shapes, weights = np.stack(shapes), np.stack(weights)
        component = self.component if self.component is not None else POSE_COMPONENT.get(
            self.metainfo.get('dataset_name'), 0)
        aligned, mean = procrustes_align(shapes, weights, reflection=self.reflection)
        scores = pose_projection(aligned, mean, weights, component)
        self.balancing = balance(scores, self.num_bins, self.target)
        print_log(
            f'PoseBalancedDataset: {len(shapes)} -> {int(self.balancing.repeats.sum())} samples '
            f'(component {component}, {self.num_bins} bins)\n'
            f'  histogram before: {self.balancing.counts_before.tolist()}\n'
            f'  histogram after:  {self.balancing.counts_after.tolist()}', logger='current')
        return self.balancing.repeats.tolist()
