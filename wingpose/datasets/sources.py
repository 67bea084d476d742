"""Where each benchmark's files come from, and a check that a config's data is on disk.

The converters in ``tools/dataset_converters`` write ``{prefix}_{split}.json``; the prefix of an
annotation file names its benchmark in :data:`DATASET_SOURCES`. ``docs/datasets.md`` describes
each download and folder layout in full.
"""
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sequence, Tuple


def _star_source(name: str, title: str) -> dict:
    """STAR's annotation files of a benchmark (ADNet's metadata: crop centre and scale)."""
    return dict(
        name=f"STAR's {title} annotation files",
        download="https://github.com/huangyangyu/ADNet (the metadata STAR reads; the images "
        f"are {title}'s own)",
        files=f"train.tsv and test.tsv into ANNOT_DIR, and the folder their image paths are "
        f"relative to (STAR's image_dir/{title}) as {{root}}star_images/",
        convert='python tools/dataset_converters/star_to_coco.py ANNOT_DIR {root}star_images '
        f'{{root}}annotations --prefix star_{name}')


# ``convert`` is formatted with the dataset's ``data_root`` as ``root`` (ending in '/').
DATASET_SOURCES: Dict[str, dict] = {
    '300w': dict(
        name='300W',
        download='https://ibug.doc.ic.ac.uk/resources/300-W/',
        files='afw/, helen/{{trainset,testset}}/, lfpw/{{trainset,testset}}/ and ibug/ (images '
        'with their .pts files) into {root}images/',
        convert='python tools/dataset_converters/300w_to_coco.py {root}images {root}annotations'),
    'wflw': dict(
        name='WFLW',
        download='https://wywu.github.io/projects/LAB/WFLW.html',
        files='WFLW_images/* into {root}images/ and the annotation lists '
        '(WFLW_annotations/list_98pt_rect_attr_train_test/)',
        convert='python tools/dataset_converters/wflw_to_coco.py '
        'WFLW_annotations/list_98pt_rect_attr_train_test {root}images {root}annotations'),
    'cofw': dict(
        name='COFW',
        download='http://www.vision.caltech.edu/xpburgos/ICCV13/',
        files='COFW_train_color.mat and COFW_test_color.mat into a folder MAT_DIR',
        convert='python tools/dataset_converters/cofw_to_coco.py MAT_DIR {root}'),
    'aflw': dict(
        name='AFLW-19',
        download='https://www.tugraz.at/institute/icg/research/team-bischof/lrs/downloads/aflw/ '
        '(images) and http://mmlab.ie.cuhk.edu.hk/projects/compositional.html '
        '(AFLWinfo_release.mat, the 19-point annotations)',
        files="AFLW's flickr/ folder as {root}images/ and AFLWinfo_release.mat",
        convert='python tools/dataset_converters/aflw_to_coco.py AFLWinfo_release.mat '
        '{root}images {root}annotations'),
    'awing_wflw': dict(
        name="WFLW with Adaptive Wing's test crop",
        download='https://wywu.github.io/projects/LAB/WFLW.html',
        files='WFLW_images/* into {root}images/ and the annotation lists '
        '(WFLW_annotations/list_98pt_rect_attr_train_test/)',
        convert='python tools/dataset_converters/wflw_to_coco.py '
        'WFLW_annotations/list_98pt_rect_attr_train_test {root}images {root}annotations '
        '--crop awing'),
    **{f'star_{name}': _star_source(name, title)
       for name, title in (('wflw', 'WFLW'), ('300w', '300W'), ('cofw', 'COFW'))},
    'synthface': dict(
        name='the embedded synthetic benchmark',
        download=None,
        files=None,
        convert='python tools/dataset_converters/make_synthetic_faces.py --out {root}'),
}

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


class DatasetNotFoundError(FileNotFoundError):
    """A file or folder that a config's dataset reads is missing; the message says how to
    make it."""


def leaf_datasets(dataset_cfg: dict) -> Iterator[dict]:
    """The datasets that read files, inside wrappers (``dataset``) and concatenations
    (``datasets``)."""
    if 'dataset' in dataset_cfg:
        yield from leaf_datasets(dataset_cfg['dataset'])
    elif 'datasets' in dataset_cfg:
        for child in dataset_cfg['datasets']:
            yield from leaf_datasets(child)
    else:
        yield dataset_cfg


def dataset_paths(leaf: dict) -> List[str]:
    """The annotation file and image folder that a dataset (not a wrapper) reads."""
    root = leaf.get('data_root') or ''
    paths = [osp.join(root, leaf['ann_file'])] if leaf.get('ann_file') else []
    image_dir = (leaf.get('data_prefix') or {}).get('img')
    if image_dir is not None:
        paths.append(osp.join(root, image_dir))
    return paths


def source_of(ann_file: str) -> Optional[dict]:
    """The :data:`DATASET_SOURCES` entry of an annotation file written by a converter."""
    name = osp.basename(ann_file)
    return next((source for prefix, source in DATASET_SOURCES.items()
                 if name.startswith(prefix + '_')), None)


def how_to_get(ann_file: str, data_root: str) -> str:
    """Lines that say where the benchmark of ``ann_file`` comes from and how to convert it."""
    source = source_of(ann_file)
    if source is None:
        return ('This annotation file is not one that tools/dataset_converters writes: check '
                'data_root and ann_file in the config (see docs/datasets.md).')
    root = osp.join(data_root, '')
    lines = []
    if source['download']:
        lines.append(f'{source["name"]} comes from {source["download"]}.')
        lines.append('Put ' + source['files'].format(root=root) + ', then convert:')
    else:
        lines.append(f'{source["name"][0].upper()}{source["name"][1:]} is generated here:')
    lines.append('    ' + source['convert'].format(root=root))
    lines.append('See docs/datasets.md for the folder layout.')
    return '\n'.join(lines)


def data_root_options(cfg: dict, data_root: str) -> List[str]:
    """``--cfg-options`` items that set the ``data_root`` of every dataloader's dataset in
    ``cfg``, through dataset wrappers (``PoseBalancedDataset``, ``RepeatDataset``...)."""
    options = []
    for loader in LOADERS:
        if not cfg.get(loader):
            continue
        key, dataset = f'{loader}.dataset', cfg[loader]['dataset']
        while 'dataset' in dataset:
            key, dataset = f'{key}.dataset', dataset['dataset']
        options.append(f'{key}.data_root={osp.join(data_root, "")}')
    return options


def check_dataset_files(cfg: dict, loaders: Sequence[str] = LOADERS) -> None:
    """Raise :class:`DatasetNotFoundError` when a file or folder the config's ``loaders`` read
    is missing, naming it, the benchmark's download page and the converter command.

    Loaders that are absent or None (``--no-validate``) and remote paths (``scheme://``) are
    not checked.
    """
    missing: Dict[str, Tuple[str, dict]] = {}  # path -> (first loader reading it, dataset)
    for loader in loaders:
        if not cfg.get(loader):
            continue
        for leaf in leaf_datasets(cfg[loader]['dataset']):
            for path in dataset_paths(leaf):
                if '://' not in path and not osp.exists(path):
                    missing.setdefault(path, (loader, leaf))
    if not missing:
        return
    lines = [f'dataset not found: {path} ({loader}) does not exist'
             for path, (loader, _) in missing.items()]
    lines += dict.fromkeys(how_to_get(leaf.get('ann_file') or '', leaf.get('data_root') or '')
                           for _, leaf in missing.values())
    raise DatasetNotFoundError('\n'.join(lines))
