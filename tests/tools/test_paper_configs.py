"""The papers' hourglass configs train two iterations and test on tiny sets in the official
download formats, converted by wingpose's converters: the networks at full size, the configs'
pipelines, losses, EMA and evaluators as they are (only data roots, batch size, workers and
intervals changed; STAR's annotation files written from the converted faces)."""
import json
import math
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from wingpose.datasets.converters import cofw, convert_splits, star, w300, wflw, write_coco

from ..datasets.raw_formats import write_300w, write_cofw, write_wflw
from ..utils import ROOT

PAPER_CONFIGS = [f'{paper}/stackedhg_{paper}_{dataset}.py' for paper in ('star', 'awing')
                 for dataset in ('wflw', '300w', 'cofw')]


def converted(dataset: str, raw: str, data_root: str) -> int:
    """``data_root``/annotations and images as the converter tools leave them; returns the
    number of training faces."""
    annotations = osp.join(data_root, 'annotations')
    if dataset == '300w':
        write_300w(raw)
        splits = {s: w300.records(raw, s) for s in ('train', 'test')}
        images = raw
    elif dataset == 'wflw':
        write_wflw(raw, num_train=2, num_test=2)
        images = osp.join(raw, 'WFLW_images')
        splits = {s: wflw.records(osp.join(raw, f'list_98pt_rect_attr_{s}.txt'), images)
                  for s in ('train', 'test')}
    else:
        rng = np.random.default_rng(0)
        images = osp.join(data_root, 'images')
        splits = {}
        for split in ('train', 'test'):
            shapes = np.concatenate([rng.uniform(40, 90, (2, 58)), np.zeros((2, 29))], 1)
            mat = osp.join(raw, f'COFW_{split}_color.mat')
            write_cofw(mat, split, shapes, [[30, 30, 70, 70]] * 2, image_shape=(128, 128))
            splits[split] = list(cofw.records(mat, split, f'{split}_'))
            cofw.write_images(mat, split, images, f'{split}_')
    counts = convert_splits(annotations, dataset, splits, printer=None)
    if dataset == 'wflw':  # AWing's WFLW config reads the official test crop
        convert_splits(annotations, 'awing_wflw', {
            s: wflw.records(osp.join(raw, f'list_98pt_rect_attr_{s}.txt'), images, 'awing')
            for s in ('train', 'test')}, printer=None)
    if not osp.exists(osp.join(data_root, 'images')):
        os.symlink(images, osp.join(data_root, 'images'))
    return counts['train']['all']


def as_star_annotations(dataset: str, data_root: str) -> None:
    """The converted faces as STAR's annotation files (crop centre and scale per face),
    converted by ``star_to_coco``'s records, as STAR's configs read them."""
    os.symlink(osp.join(data_root, 'images'), osp.join(data_root, 'star_images'))
    for split in ('train', 'test'):
        with open(osp.join(data_root, 'annotations', f'{dataset}_{split}.json')) as f:
            coco = json.load(f)
        names = {image['id']: image['file_name'] for image in coco['images']}
        rows = []
        for ann in coco['annotations']:
            points = np.array(ann['keypoints']).reshape(-1, 3)[:, :2]
            rows.append('\t'.join([names[ann['image_id']], ','.join(['0'] * 10),
                                   ','.join(map(repr, points.ravel().tolist())),
                                   repr(ann['scale'] * 1.25), *map(repr, ann['center'])]))
        tsv = osp.join(data_root, f'{split}.tsv')
        with open(tsv, 'w') as f:
            f.write('\n'.join(rows) + '\n')
        write_coco(osp.join(data_root, 'annotations', f'star_{dataset}_{split}.json'),
                   star.records(tsv, osp.join(data_root, 'star_images')))


@pytest.mark.parametrize('config', PAPER_CONFIGS)
def test_paper_config_trains_two_iterations_and_tests(config, tmp_path):
    dataset = config.rsplit('_', 1)[1][:-3]
    data_root = str(tmp_path / dataset)
    raw = tmp_path / 'raw'
    raw.mkdir()
    num_train = converted(dataset, str(raw), data_root)
    if config.startswith('star'):
        as_star_annotations(dataset, data_root)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', config))
    cfg.work_dir = str(tmp_path / 'work')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].update(num_workers=0, persistent_workers=False, batch_size=1)
        cfg[loader].dataset.data_root = data_root + '/'
    cfg.train_dataloader.batch_size = math.ceil(num_train / 2)
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    stacks = runner.model.head.stack_weights
    logged = runner.message_hub.log_scalars
    terms = ('kpt', 'boundary', 'star') if config.startswith('star') else ('kpt', )
    for term in terms:
        for s in range(len(stacks)):
            assert math.isfinite(logged[f'train/loss_{term}_{s}'].current())
    metrics = runner.test()
    assert math.isfinite(metrics['NME'])
    checkpoint = torch.load(osp.join(cfg.work_dir, 'epoch_1.pth'), map_location='cpu',
                            weights_only=False)
    assert ('ema_state_dict' in checkpoint) == config.startswith('star')
