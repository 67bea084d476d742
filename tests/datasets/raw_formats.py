"""Tiny datasets in the official download formats, for the converters and the configs."""
import os
import os.path as osp

import cv2
import numpy as np

W300_FOLDERS = ('afw', 'helen/trainset', 'lfpw/trainset', 'helen/testset', 'lfpw/testset',
                'ibug')


def write_pts(path, points, n_points=None):
    """A 300W ``.pts`` file (1-based coordinates as written)."""
    n = len(points) if n_points is None else n_points
    body = '\n'.join(f'{x:.3f} {y:.3f}' for x, y in points)
    with open(path, 'w') as f:
        f.write(f'version: 1\nn_points: {n}\n{{\n{body}\n}}\n')


def write_300w(root, per_folder=1, size=128, seed=0):
    """300W's download layout: an image and a ``.pts`` per face in each subset folder."""
    rng = np.random.default_rng(seed)
    for folder in W300_FOLDERS:
        path = osp.join(root, folder)
        os.makedirs(path, exist_ok=True)
        for i in range(per_folder):
            image = rng.integers(0, 255, (size, size, 3), dtype=np.uint8)
            assert cv2.imwrite(osp.join(path, f'img{i}.jpg'), image)
            write_pts(osp.join(path, f'img{i}.pts'), rng.uniform(0.25, 0.75, (68, 2)) * size)


def write_wflw(root, num_train=4, num_test=2, seed=0):
    """WFLW's download layout: images, and list files of 207 tokens a line."""
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'WFLW_images', '0--Parade'), exist_ok=True)
    for split, count in (('train', num_train), ('test', num_test)):
        rows = []
        for i in range(count):
            name = f'0--Parade/{split}_{i}.jpg'
            image = rng.integers(0, 255, (128, 128, 3), dtype=np.uint8)
            assert cv2.imwrite(osp.join(root, 'WFLW_images', name), image)
            points = rng.uniform(30, 98, (98, 2))
            attributes = rng.integers(0, 2, 6)
            rows.append(' '.join([*(f'{v:.3f}' for v in points.ravel()), '25', '25', '103',
                                  '103', *map(str, attributes), name]))
        with open(osp.join(root, f'list_98pt_rect_attr_{split}.txt'), 'w') as f:
            f.write('\n'.join(rows) + '\n')


def write_cofw(path, split, shapes, boxes, seed=0, image_shape=(32, 40)):
    """A COFW ``.mat`` (MATLAB v7.3 / HDF5) for ``split`` 'train' or 'test': images (RGB,
    stored transposed as MATLAB does), ``shapes`` (N, 87: 29 x, 29 y, 29 occlusion flags,
    1-based) and ``boxes`` (N, 4: x, y, w, h)."""
    import h5py
    rng = np.random.default_rng(seed)
    suffix = 'Tr' if split == 'train' else 'T'
    with h5py.File(path, 'w') as f:
        refs = []
        for i in range(len(shapes)):
            image = rng.integers(0, 255, (*image_shape, 3), dtype=np.uint8)  # H, W, RGB
            refs.append(f.create_dataset(f'#refs#/{i}', data=image.T).ref)
        f.create_dataset(f'Is{suffix}', data=np.array(refs, dtype=h5py.ref_dtype).reshape(1, -1))
        f.create_dataset(f'phis{suffix}', data=np.asarray(shapes, float).T)
        f.create_dataset(f'bboxes{suffix}', data=np.asarray(boxes, float).T)
