"""The trivial baseline every face-alignment model must beat: the mean shape in the box."""
import json
from typing import Dict, List

import numpy as np

from .metrics import FaceAlignmentMetric


def _load(ann_file: str) -> List[dict]:
    with open(ann_file) as f:
        return json.load(f)['annotations']


def _normalised_shapes(annotations: List[dict]) -> np.ndarray:
    shapes = []
    for ann in annotations:
        x, y, w, h = ann['bbox']
        points = np.asarray(ann['keypoints'], dtype=np.float64).reshape(-1, 3)[:, :2]
        shapes.append((points - [x, y]) / [w, h])
    return np.stack(shapes)


def mean_shape_baseline(train_ann_file: str, test_ann_file: str, dataset_name: str,
                        **metric_kwargs) -> Dict[str, float]:
    """Metrics of predicting the training mean shape, scaled into each test face box.

    The mean is taken over the training shapes normalised to their ``bbox`` ([x, y, w, h]);
    it is placed in each test ``bbox`` and evaluated with :class:`FaceAlignmentMetric`
    (``metric_kwargs`` are passed on; no files are written unless ``out_dir`` is given).
    """
    train, test = _load(train_ann_file), _load(test_ann_file)
    mean = _normalised_shapes(train).mean(axis=0)
    metric_kwargs.setdefault('print_table', False)
    metric = FaceAlignmentMetric(**metric_kwargs)
    metric.dataset_meta = dict(dataset_name=dataset_name)
    samples = []
    for ann in test:
        x, y, w, h = ann['bbox']
        keypoints = np.asarray(ann['keypoints'], dtype=np.float64).reshape(1, -1, 3)
        samples.append(dict(
            img_id=ann['image_id'], raw_ann_info=ann,
            gt_instances=dict(keypoints=keypoints[..., :2],
                              keypoints_visible=np.minimum(1, keypoints[..., 2])),
            pred_instances=dict(keypoints=(mean * [w, h] + [x, y])[None])))
    metric.process([], samples)
    return metric.compute_metrics(metric.results)
