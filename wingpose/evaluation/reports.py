"""Files a face-alignment evaluation writes: per-image and per-landmark NME (CSV) and CED
curves (CSV, PNG).

Errors are fractions of the normalising distance throughout, as in ``functional``; the files
show them in percent, as papers print them.
"""
import csv
import os
import os.path as osp
from typing import Dict, Sequence

import numpy as np

from .functional.face_alignment import ced
from .table import threshold_tag


def write_per_image_nme(path: str, img_ids: Sequence, tags: Sequence[Sequence[str]],
                        nme: Dict[str, np.ndarray]) -> None:
    """One row per image: its id, subsets and NME (%) under each normalisation of ``nme``."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['img_id', 'subsets', *(f'nme_{name}' for name in nme)])
        for i, (img_id, image_tags) in enumerate(zip(img_ids, tags)):
            writer.writerow([img_id, ';'.join(image_tags),
                             *(f'{100 * values[i]:.6f}' for values in nme.values())])


def read_per_image_nme(path: str, norm: str) -> np.ndarray:
    """The NME of every image under ``norm`` from a :func:`write_per_image_nme` file, as
    fractions."""
    return _read_column(path, f'nme_{norm}')


def write_per_landmark_nme(path: str, nme: Dict[str, np.ndarray]) -> None:
    """One row per landmark: its index and NME (%) under each normalisation of ``nme``."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['landmark', *(f'nme_{name}' for name in nme)])
        for k, row in enumerate(zip(*nme.values())):
            writer.writerow([k, *(f'{100 * value:.6f}' for value in row)])


def read_per_landmark_nme(path: str, norm: str) -> np.ndarray:
    """The NME of every landmark under ``norm`` from a :func:`write_per_landmark_nme` file,
    as fractions."""
    return _read_column(path, f'nme_{norm}')


def _read_column(path: str, column: str) -> np.ndarray:
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if rows and column not in rows[0]:
        raise KeyError(f'{path} has no column {column}; columns: {list(rows[0])}')
    return np.array([float(row[column]) / 100 for row in rows])


def save_ced(path_stem: str, nme: Dict[str, np.ndarray], thr: float, label: str) -> None:
    """CED curves up to ``thr`` of each named set of per-image errors: ``path_stem.csv``
    (the share of images with NME <= x, every 1e-4) and ``path_stem.png``.

    Args:
        path_stem (str): Output path without extension.
        nme (dict): Curve name -> per-image errors (fractions; NaN left out).
        thr (float): Upper end of the curves (the FR / AUC threshold).
        label (str): What the errors are, e.g. ``'NME inter_ocular'``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    curves = {}
    for name, values in nme.items():
        values = np.asarray(values, dtype=np.float64)
        values = values[np.isfinite(values)]
        if len(values):
            curves[name] = ced(values, thr)[1]
    if not curves:
        return
    x = ced(np.zeros(1), thr)[0]
    os.makedirs(osp.dirname(osp.abspath(path_stem)), exist_ok=True)
    with open(path_stem + '.csv', 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow([f'{label} (%)', *curves])
        for i, value in enumerate(x):
            writer.writerow([f'{100 * value:.4f}', *(f'{y[i]:.6f}' for y in curves.values())])
    fig, ax = plt.subplots(figsize=(5, 4))
    for name, y in curves.items():
        ax.plot(100 * x, y, label=name)
    ax.set(xlabel=f'{label} (%)', ylabel='share of images with NME <= x', xlim=(0, 100 * thr),
           ylim=(0, 1), title=f'CED up to {threshold_tag(thr)}')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path_stem + '.png', dpi=100)
    plt.close(fig)
