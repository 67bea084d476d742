"""Where each dataset comes from: the missing-dataset message of every config, the tools'
check before the runner starts, data_root through wrappers, MMPose's metainfo files."""
import glob
import os.path as osp
import warnings

import pytest
import torch
from mmengine.config import Config

from wingpose.datasets import (DATASET_SOURCES, DatasetNotFoundError, FaceLandmarkDataset,
                               check_dataset_files, data_root_options, leaf_datasets)
from wingpose.datasets.face_landmark_dataset import metainfo_file
from wingpose.datasets.sources import source_of

from ..utils import ROOT, run_tool

CONFIGS = sorted(osp.relpath(p, ROOT) for p in glob.glob(
    osp.join(ROOT, 'configs', '**', '*.py'), recursive=True) if '_base_' not in p)


@pytest.mark.parametrize('config', CONFIGS)
def test_missing_dataset_message_of_every_config(config, tmp_path):
    cfg = Config.fromfile(osp.join(ROOT, config))
    missing_root = str(tmp_path / 'nowhere')
    cfg.merge_from_dict(dict(option.split('=', 1) for option in
                             data_root_options(cfg, missing_root)))
    with pytest.raises(DatasetNotFoundError) as error:
        check_dataset_files(cfg)
    message = str(error.value)
    train = next(leaf_datasets(cfg.train_dataloader.dataset))
    images = osp.join(missing_root, train.data_prefix['img'])
    source = source_of(train.ann_file)
    assert source is not None, f'{config}: {train.ann_file} is written by no converter'
    assert f'dataset not found: {osp.join(missing_root, train.ann_file)} (train_dataloader)' \
        in message
    assert f'{images} (train_dataloader)' in message
    assert source['convert'].format(root=osp.join(missing_root, '')) in message
    if source['download']:
        assert source['download'] in message
    # each missing path once, each advice once
    assert message.count(f'{images} (') == 1
    assert message.count(source['convert'].split()[1]) == 1


def test_present_dataset_passes_and_wrappers_are_followed(synthface):
    cfg = Config.fromfile(osp.join(ROOT, 'configs/synthface/cnn6_wing_pdb_synthface.py'))
    options = data_root_options(cfg, synthface)
    assert options[0] == f'train_dataloader.dataset.dataset.data_root={synthface}/'
    cfg.merge_from_dict(dict(option.split('=', 1) for option in options))
    check_dataset_files(cfg)  # nothing missing: no error
    assert next(leaf_datasets(cfg.train_dataloader.dataset)).data_root == synthface + '/'


def test_every_source_names_a_converter_that_exists():
    for prefix, source in DATASET_SOURCES.items():
        script = source['convert'].split()[1]
        assert osp.isfile(osp.join(ROOT, script)), (prefix, script)


def test_train_and_test_tools_stop_before_the_runner(tmp_path):
    result = run_tool('tools/train.py', 'configs/wing/cnn6_aflw.py', '--work-dir',
                      str(tmp_path), '--cfg-options', *data_root_options(
                          Config.fromfile(osp.join(ROOT, 'configs/wing/cnn6_aflw.py')),
                          str(tmp_path / 'aflw')), check=False)
    assert result.returncode != 0 and 'Traceback' not in result.stderr
    assert f'dataset not found: {tmp_path}/aflw/annotations/aflw_train.json' in result.stderr
    assert 'python tools/dataset_converters/aflw_to_coco.py AFLWinfo_release.mat' \
        in result.stderr
    assert 'tugraz.at' in result.stderr and not list(tmp_path.glob('*/*.log'))
    checkpoint = tmp_path / 'model.pth'
    torch.save(dict(state_dict={}), checkpoint)
    result = run_tool('tools/test.py', 'configs/wing/cnn6_wflw.py', str(checkpoint),
                      '--cfg-options', 'test_dataloader.dataset.data_root=/no/wflw/',
                      check=False)
    assert result.returncode != 0 and 'Traceback' not in result.stderr
    assert 'dataset not found: /no/wflw/annotations/wflw_test.json (test_dataloader)' \
        in result.stderr and 'wflw_to_coco.py' in result.stderr


def test_metainfo_of_mmpose_resolves_without_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not an MMPose checkout: configs/ does not exist here
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        meta = FaceLandmarkDataset._load_metainfo(
            dict(from_file='configs/_base_/datasets/wflw.py'))
    assert meta['num_keypoints'] == 98 and meta['dataset_name'] == 'wflw'
    assert metainfo_file('configs/_base_/datasets/300w.py').endswith(
        osp.join('mmpose', '.mim', 'configs', '_base_', 'datasets', '300w.py'))
    with pytest.raises(FileNotFoundError, match=r"keypoint metainfo file 'configs/none.py' "
                                                r"not found"):
        metainfo_file('configs/none.py')
