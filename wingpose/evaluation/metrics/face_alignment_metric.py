"""The face-alignment benchmark metric: NME / FR / AUC per normalisation and per subset."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from wingpose.registry import METRICS
from ..functional.face_alignment import (DATASET_PRESETS, NormSpec, check_normalisation,
                                         normalising_distance, per_image_nme, per_landmark_nme,
                                         resolve_normalisation, subset_members, summarise)
from ..reports import save_ced, write_per_image_nme, write_per_landmark_nme
from ..table import benchmark_table, threshold_tag


@METRICS.register_module()
class FaceAlignmentMetric(BaseMetric):
    """Per-image NME, failure rate and AUC under one or more normalisations, per subset.

    For each image, ``NME = mean_k |pred_k - gt_k| / d`` over its visible keypoints (MMPose's
    ``NME`` instead pools all keypoints of all images). ``FR@thr`` is the share of images with
    ``NME > thr``; ``AUC@thr`` is the area under the CED on [0, thr] divided by ``thr``
    (integrated exactly by default, see :func:`~wingpose.evaluation.functional.auc`). All three
    are reported in percent, for the full set and for every subset named in the samples'
    ``subset_key`` annotation field (kept by :class:`~wingpose.datasets.FaceLandmarkDataset`
    in ``raw_ann_info``).

    Metric keys: ``NME_<norm>``, ``FR@<thr>_<norm>``, ``AUC@<thr>_<norm>`` for the full set and
    ``<subset>/...`` for subsets, e.g. ``NME_inter_ocular`` or ``challenge/FR@0.08_inter_pupil``
    (usable as ``save_best``). ``NME`` repeats the full set's NME under the first normalisation,
    the key MMPose's ``NME`` metric reports, so MMPose configs with ``save_best='NME'`` keep
    working when they swap in this metric.

    Args:
        norms (str | dict | list | tuple, optional): Normalisations, each a name
            (``'inter_ocular'``, ``'inter_pupil'`` from the dataset preset; ``'bbox'`` =
            sqrt(w*h), ``'bbox_diag'`` = sqrt(w^2+h^2), ``'bbox_max'`` = max(w, h)) or an explicit
            ``dict(name=..., indices=(i, j))`` / ``dict(name=..., groups=([...], [...]))``.
            None takes the preset of ``dataset_meta['dataset_name']``
            (300w, wflw, cofw, aflw). Default: None.
        thr (float | dict, optional): Failure/AUC threshold (fraction of ``d``), one for all
            norms or per norm name. None takes the dataset preset. Default: None.
        auc_method (str): ``'exact'`` or ``'simpson'`` (STAR's 1e-4 grid). Default: 'exact'.
        subset_key (str, optional): Annotation field holding each sample's subset names (a
            string or a list). None reports the full set only. Default: 'subset'.
        subsets (Sequence[str], optional): Subset order in the outputs; by default the sorted
            names found in the data.
        box_key (str): Annotation field with the ground-truth face box ``[x, y, w, h]`` (the
            COCO ``bbox``, which the converters fill with the dataset's own face box); when a
            sample lacks it, the crop box ``gt_instances.bboxes`` is used. Default: 'bbox'.
        outfile_prefix (str, optional): Write the per-image and per-landmark CSVs and the CED
            curves (CSV and PNG) as ``<prefix>nme_per_image.csv``, ``<prefix>nme_per_landmark
            .csv``, ``<prefix>ced_<norm>.{csv,png}`` (a prefix ending in ``/`` is a folder), as
            MMPose's metrics write only when given one. None: no files (``tools/test.py``
            gives its log folder). Default: None.
        out_dir (str, optional): A folder for those files (``outfile_prefix=out_dir + '/'``).
        strict (bool): Raise on an image whose NME is undefined (no visible keypoint, zero or
            non-finite distance, NaN prediction) instead of skipping it with a warning.
        print_table (bool): Log the benchmark table after each evaluation. Default: True.
        collect_device (str): Device for collecting results across ranks. Default: 'cpu'.
        prefix (str, optional): Prefix of the metric keys.
    """

    FULL = 'full'

    def __init__(self,
                 norms: Optional[Union[NormSpec, List[NormSpec]]] = None,
                 thr: Optional[Union[float, Dict[str, float]]] = None,
                 auc_method: str = 'exact',
                 subset_key: Optional[str] = 'subset',
                 subsets: Optional[Sequence[str]] = None,
                 box_key: str = 'bbox',
                 outfile_prefix: Optional[str] = None,
                 out_dir: Optional[str] = None,
                 strict: bool = False,
                 print_table: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if auc_method not in ('exact', 'simpson'):
            raise ValueError(f"auc_method must be 'exact' or 'simpson', got {auc_method!r}")
        if norms is not None:
            norms = list(norms) if isinstance(norms, (list, tuple)) else [norms]
            for spec in norms:  # named here, not at the first validation after training
                try:
                    check_normalisation(spec)
                except ValueError as error:
                    raise ValueError(f'FaceAlignmentMetric: norms: {error}') from None
        for name, value in (thr.items() if isinstance(thr, dict) else [('thr', thr)]):
            if value is not None and not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f'FaceAlignmentMetric: thr ({name}) must be a number > 0, '
                                 f'got {value!r}')
        self.norms = norms
        self.thr = thr
        self.auc_method = auc_method
        self.subset_key = subset_key
        self.subsets = subsets
        self.box_key = box_key
        self.outfile_prefix = outfile_prefix
        self.out_dir = out_dir
        self.strict = strict
        self.print_table = print_table

    def process(self, data_batch: Sequence[dict], data_samples: Sequence[dict]) -> None:
        """Collect predictions, ground truth, boxes and subset tags of each sample.

        The arrays are kept as the samples hold them (one face: (1, K, 2) keypoints, (1, K)
        visibility) and converted once, for all images, in :meth:`compute_metrics`: a
        conversion per sample was most of the metric's time (``bench_metrics.py``).
        """
        for sample in data_samples:
            gt = sample['gt_instances']
            ann = sample.get('raw_ann_info') or {}
            box = ann.get(self.box_key)
            if box is not None:
                box_wh = (box[2], box[3])
            elif 'bboxes' in gt:
                x1, y1, x2, y2 = gt['bboxes'][0][:4]
                box_wh = (x2 - x1, y2 - y1)
            else:
                box_wh = (np.nan, np.nan)
            tags = ann.get(self.subset_key, ()) if self.subset_key else ()
            self.results.append(dict(
                img_id=sample.get('img_id', len(self.results)),
                pred=sample['pred_instances']['keypoints'],
                gt=gt['keypoints'],
                visible=gt['keypoints_visible'],
                box_wh=box_wh,
                tags=(tags, ) if isinstance(tags, str) else tuple(tags)))

    def _settings(self):
        """The normalisations and their thresholds, from the arguments or the preset."""
        name = (self.dataset_meta or {}).get('dataset_name')
        preset = DATASET_PRESETS.get(name)
        if preset is None and (self.norms is None or self.thr is None):
            raise ValueError(
                f"FaceAlignmentMetric has no preset for dataset_name={name!r}: set both 'norms' "
                f"and 'thr', or use one of {sorted(DATASET_PRESETS)}")
        norms = [resolve_normalisation(spec, name)
                 for spec in (self.norms if self.norms is not None else preset['norms'])]
        thr = self.thr if self.thr is not None else preset['thr']
        thrs = {n.name: float(thr[n.name] if isinstance(thr, dict) else thr) for n in norms}
        return norms, thrs

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """NME / FR / AUC of every normalisation on the full set and every subset.

        Results are taken in image-id order, so the figures do not depend on how a
        multi-process evaluation split and gathered them (float sums are order-sensitive).
        """
        norms, thrs = self._settings()
        results = sorted(results, key=lambda r: (type(r['img_id']).__name__, r['img_id']))
        pred, gt, visible = (np.concatenate([r[key] for r in results])
                             for key in ('pred', 'gt', 'visible'))
        if not len(pred) == len(gt) == len(visible) == len(results):
            raise ValueError(f'FaceAlignmentMetric expects one face per sample: {len(results)} '
                             f'samples hold {len(gt)} ground-truth and {len(pred)} predicted '
                             'faces')
        pred, gt, mask = pred.astype(np.float64), gt.astype(np.float64), visible > 0
        box_wh = np.array([r['box_wh'] for r in results], dtype=np.float64)
        img_ids = [r['img_id'] for r in results]
        members = {self.FULL: np.ones(len(results), dtype=bool)}
        members.update(subset_members([r['tags'] for r in results], self.subsets))
        nan_pred = ~np.isfinite(pred).all(axis=(1, 2))

        metrics: Dict[str, float] = OrderedDict()
        per_image, per_landmark = OrderedDict(), OrderedDict()
        for norm in norms:
            distance = normalising_distance(norm, gt, box_wh)
            nme = per_image_nme(pred, gt, mask, distance)
            nme[nan_pred] = np.nan
            self._check_undefined(norm.name, nme, img_ids)
            per_image[norm.name] = nme
            per_landmark[norm.name] = per_landmark_nme(pred, gt, mask & ~nan_pred[:, None],
                                                       distance)
            thr = thrs[norm.name]
            for subset, member in members.items():
                values = nme[member & np.isfinite(nme)]
                tag = '' if subset == self.FULL else f'{subset}/'
                summary = summarise(values, thr, self.auc_method)
                metrics[f'{tag}NME_{norm.name}'] = summary['NME']
                metrics[f'{tag}FR@{threshold_tag(thr)}_{norm.name}'] = summary['FR']
                metrics[f'{tag}AUC@{threshold_tag(thr)}_{norm.name}'] = summary['AUC']
        metrics['NME'] = metrics[f'NME_{norms[0].name}']  # MMPose's key

        prefix = self.outfile_prefix or (osp.join(self.out_dir, '') if self.out_dir else None)
        if prefix:
            self._write_outputs(prefix, img_ids, results, per_image, per_landmark, members,
                                thrs)
        if self.print_table:
            print_log('\n' + benchmark_table(metrics), logger='current')
        return metrics

    def _check_undefined(self, norm: str, nme: np.ndarray, img_ids: list) -> None:
        bad = [img_ids[i] for i in np.flatnonzero(~np.isfinite(nme))]
        if not bad:
            return
        message = (f'NME_{norm} is undefined for {len(bad)} image(s) (no visible keypoint, a '
                   f'zero or non-finite normalising distance, or a NaN prediction): img_id '
                   f'{bad[:20]}{" ..." if len(bad) > 20 else ""}')
        if self.strict:
            raise ValueError(message)
        print_log(message + '; they are left out of the figures', logger='current',
                  level=30)

    def _write_outputs(self, prefix: str, img_ids: list, results: list,
                       per_image: Dict[str, np.ndarray], per_landmark: Dict[str, np.ndarray],
                       members: Dict[str, np.ndarray], thrs: Dict[str, float]) -> None:
        """Per-image and per-landmark CSVs, and the CED of each normalisation (full set,
        subsets) as CSV and PNG."""
        write_per_image_nme(f'{prefix}nme_per_image.csv', img_ids,
                            [r['tags'] for r in results], per_image)
        write_per_landmark_nme(f'{prefix}nme_per_landmark.csv', per_landmark)
        for norm, nme in per_image.items():
            save_ced(f'{prefix}ced_{norm}',
                     {subset: nme[member] for subset, member in members.items()}, thrs[norm],
                     f'NME {norm}')
