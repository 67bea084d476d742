"""Write the synthetic face benchmark: images and MMPose COCO-style JSON (68, 19 and 98
points)."""
import json
import os
import os.path as osp
import shutil
from multiprocessing import Pool
from typing import Dict, List, Tuple

import cv2
import numpy as np

from ..converters.coco import face_record, landmark_box, write_coco
from .geometry import sample_face, to_aflw19, to_wflw98
from .label_noise import noisy_landmarks
from .render import render_face

SPLITS = ('train', 'test')
# Subsets by |yaw| in degrees (each face in one band); the 19-point set also tags AFLW's
# `frontal` (all 19 landmarks annotated), AFLW's own definition, which says nothing of yaw
YAW_BANDS = (('yaw_0_15', 0., 15.), ('yaw_15_45', 15., 45.), ('yaw_45_90', 45., 90.01))
MANIFEST = 'manifest.json'
# the layout of the annotations; a dataset written by another version is not reused
FORMAT = 3
# the layouts written from each face: iBUG 68, AFLW 19, WFLW 98
LAYOUTS = ('68', '19', '98')


def yaw_band(yaw: float) -> str:
    """The subset of a face of this yaw (degrees)."""
    return next(name for name, low, high in YAW_BANDS if low <= abs(yaw) < high)


def _face_records(seed: int, split: str, index: int, image_size: int, image_dir: str,
                  label_noise: float = 0.) -> Tuple[tuple, tuple, tuple]:
    """Render sample ``index`` of ``split``; its (image, annotation) records in each of
    :data:`LAYOUTS`. Training labels get ``label_noise`` (:func:`noisy_landmarks`) from a
    stream of their own, so the images are those of a dataset without it."""
    index = int(index)
    rng = np.random.default_rng([seed, SPLITS.index(split), index])
    face = sample_face(rng)
    image, points, self_vis, occluded = render_face(rng, face, image_size)
    if label_noise and split == 'train':
        points = noisy_landmarks(points, label_noise, np.random.default_rng(
            [seed, SPLITS.index(split), index, 1]))
    file_name = f'{split}/{index:06d}.jpg'
    cv2.imwrite(osp.join(image_dir, file_name), image, [cv2.IMWRITE_JPEG_QUALITY, 95])

    box = landmark_box(points)
    points19, vis19 = to_aflw19(points, self_vis)
    occluded19 = to_aflw19(points, ~occluded)[1] == 0
    band = yaw_band(face.yaw)
    # 68 points: all labelled (300W convention), 2 = seen, 1 = hidden by the head or occluder
    v68 = np.where(self_vis & ~occluded, 2, 1)
    # 19 points: AFLW convention, self-occluded points are not annotated (0); box_size as in
    # the AFLW converter (MMPose's AFLWDataset needs it)
    v19 = np.where(~vis19, 0, np.where(occluded19, 1, 2))
    # 98 points: all labelled (WFLW convention), as the 68 they are placed between
    points98, seen98 = to_wflw98(points, self_vis & ~occluded)
    where = f'synthetic {split} face {index}'
    pose = dict(yaw=face.yaw, pitch=face.pitch, roll=face.roll)
    return (face_record(index, file_name, image_size, image_size, points, v68, box, where,
                        [band], pose=pose),
            face_record(index, file_name, image_size, image_size, points19, v19, box, where,
                        [band] + (['frontal'] if vis19.all() else []), pose=pose,
                        box_size=float(np.sqrt(box[2] * box[3]))),
            face_record(index, file_name, image_size, image_size, points98,
                        np.where(seen98, 2, 1), box, where, [band], pose=pose))


def _render_chunk(args) -> List[Tuple[tuple, tuple, tuple]]:
    seed, split, indices, image_size, image_dir, label_noise = args
    return [_face_records(seed, split, i, image_size, image_dir, label_noise) for i in indices]


def generate_synthetic_faces(out_dir: str, num_train: int, num_test: int, seed: int = 0,
                             image_size: int = 256, workers: int = 2,
                             label_noise: float = 0.) -> Dict[str, dict]:
    """Write ``out_dir/{images/{train,test}, annotations/synthface_{68,19,98}_{split}.json}``.

    ``label_noise`` (% of the inter-ocular distance) adds annotation noise to the training
    labels only (:func:`~wingpose.datasets.synthetic.label_noise.noisy_landmarks`); the test
    labels stay exact.

    Deterministic for a seed (each sample has its own random stream, whatever ``workers``).
    Idempotent: an existing dataset made with the same settings is kept; one made with other
    settings is an error. The dataset is built in ``out_dir + '.partial'`` and renamed into
    place when complete, so an interrupted run leaves nothing that looks finished.

    Returns:
        dict: per split, the counts of images, of each yaw band (:data:`YAW_BANDS`) and of
        AFLW-frontal faces (19 points).
    """
    if not (np.isfinite(label_noise) and label_noise >= 0):
        raise ValueError(f'label_noise is a percentage of the inter-ocular distance, >= 0; got '
                         f'{label_noise}')
    settings = dict(num_train=num_train, num_test=num_test, seed=seed, image_size=image_size,
                    format=FORMAT)
    if label_noise:  # (a dataset without noise keeps the settings it was made with)
        settings['label_noise'] = float(label_noise)
    manifest = osp.join(out_dir, MANIFEST)
    if osp.exists(manifest):
        with open(manifest) as f:
            existing = json.load(f)
        if existing['settings'] != settings:
            raise ValueError(f'{out_dir} holds a synthetic dataset made with '
                             f'{existing["settings"]}, not {settings}: remove it or choose '
                             'another --out')
        return existing['counts']
    if osp.exists(out_dir) and not (osp.isdir(out_dir) and not os.listdir(out_dir)):
        raise ValueError(f'{out_dir} exists and is not an empty folder or a synthetic face '
                         f'dataset (no {MANIFEST})')
    for name, value in settings.items():
        if name not in ('format', 'label_noise') and value < (0 if name == 'seed' else 1):
            raise ValueError(f'{name} must be {">= 0" if name == "seed" else ">= 1"}, '
                             f'got {value}')
    partial = out_dir.rstrip('/') + '.partial'
    shutil.rmtree(partial, ignore_errors=True)
    image_dir = osp.join(partial, 'images')
    os.makedirs(osp.join(partial, 'annotations'))
    counts = {}
    with Pool(workers) if workers > 1 else _Serial() as pool:
        for split, count in zip(SPLITS, (num_train, num_test)):
            os.makedirs(osp.join(image_dir, split))
            chunks = [(seed, split, idx, image_size, image_dir, label_noise)
                      for idx in np.array_split(np.arange(count), max(1, count // 64))]
            records = [r for chunk in pool.map(_render_chunk, chunks) for r in chunk]
            written = {layout: write_coco(
                osp.join(partial, 'annotations', f'synthface_{layout}_{split}.json'),
                layout_records) for layout, layout_records in zip(LAYOUTS, zip(*records))}
            counts[split] = dict(images=written['68']['all'],
                                 **{name: written['68'].get(name, 0) for name, *_ in YAW_BANDS},
                                 frontal=written['19'].get('frontal', 0))
    with open(osp.join(partial, MANIFEST), 'w') as f:
        json.dump(dict(settings=settings, counts=counts), f, indent=2)
    os.replace(partial, out_dir)
    return counts


def carve_validation(out_dir: str, num_val: int) -> Dict[str, str]:
    """Split the training set of a synthetic dataset into ``fit`` and ``val``: the last
    ``num_val`` training faces (by index) form ``synthface_{68,19,98}_val.json``, the others
    ``synthface_{68,19,98}_fit.json``, beside the other annotation files. For choosing
    hyper-parameters without touching the test set. Deterministic; rewritten on each call.

    Returns:
        dict: ``fit`` and ``val`` annotation paths of the 68-point layout, relative to
        ``out_dir``.
    """
    for layout in LAYOUTS:
        path = osp.join(out_dir, 'annotations', f'synthface_{layout}_train.json')
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: no synthetic training set to split (run '
                                    'make_synthetic_faces.py first)')
        with open(path) as f:
            train = json.load(f)
        if not 0 < num_val < len(train['images']):
            raise ValueError(f'num_val must be in [1, {len(train["images"])}) for {path}, '
                             f'got {num_val}')
        pairs = sorted(zip(train['images'], train['annotations']), key=lambda p: p[0]['id'])
        for split, part in (('fit', pairs[:-num_val]), ('val', pairs[-num_val:])):
            write_coco(osp.join(out_dir, 'annotations', f'synthface_{layout}_{split}.json'),
                       part)
    return {split: f'annotations/synthface_68_{split}.json' for split in ('fit', 'val')}


class _Serial:
    """``multiprocessing.Pool``'s ``map`` in this process (workers=1)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    @staticmethod
    def map(func, iterable):
        return list(map(func, iterable))
