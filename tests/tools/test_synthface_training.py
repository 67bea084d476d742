"""A few iterations of tools/train.py on the synthetic configs, evaluated by tools/test.py,
and the two-stage model through mmpose.apis.init_model / inference_topdown."""
import glob
import os.path as osp

import numpy as np
import pytest

from ..utils import run_tool, tiny_options


@pytest.mark.parametrize('config, extra', [
    ('configs/synthface/cnn6-cnn7_wing_pdb_synthface.py', []),
    ('configs/synthface/hrnetv2-w18_awing-star_synthface.py',
     ['train_dataloader.batch_size=2', 'train_cfg.max_epochs=1']),
])
def test_train_then_test(config, extra, synthface, tmp_path):
    options = tiny_options(synthface, config) + extra
    if 'hrnet' in config:  # a few iterations are enough to exercise AWing + STAR
        options += ['train_dataloader.dataset.indices=4', 'val_dataloader.dataset.indices=4',
                    'test_dataloader.dataset.indices=4']
    result = run_tool('tools/train.py', config, '--work-dir', str(tmp_path), *options)
    log = result.stdout + result.stderr
    if 'pdb' in config:
        assert 'PoseBalancedDataset: 48 ->' in log
    checkpoint = osp.join(tmp_path, 'epoch_1.pth')
    result = run_tool('tools/test.py', config, checkpoint, '--work-dir', str(tmp_path / 'test'),
                      *options)
    assert '| full |' in result.stdout


def test_two_stage_plugs_into_mmpose_apis(synthface, tmp_path):
    config = 'configs/synthface/cnn6-cnn7_wing_synthface.py'
    run_tool('tools/train.py', config, '--work-dir', str(tmp_path),
             *tiny_options(synthface, config))
    import cv2
    import wingpose  # noqa: F401  (registries, checkpoint allow-list, mmpose.apis importable)
    from mmpose.apis import inference_topdown, init_model
    model = init_model(config, osp.join(tmp_path, 'epoch_1.pth'), device='cpu')
    image = sorted(glob.glob(osp.join(synthface, 'images', 'test', '*.jpg')))[0]
    results = inference_topdown(model, cv2.imread(image), bboxes=np.array([[20, 20, 110, 110]]))
    keypoints = results[0].pred_instances.keypoints
    assert keypoints.shape == (1, 68, 2) and np.isfinite(keypoints).all()


def test_mmpose_tools_train_and_test_a_wingpose_config(synthface, tmp_path):
    """MMPose's own tools/train.py and tools/test.py with custom_imports=['wingpose']."""
    import mmpose
    tools = osp.join(osp.dirname(mmpose.__file__), '.mim', 'tools')
    config = 'configs/mmpose_project/td-reg_cnn6_wingloss_synthface.py'
    options = tiny_options(synthface, config)
    run_tool(osp.join(tools, 'train.py'), config, '--work-dir', str(tmp_path), *options)
    checkpoint = osp.join(tmp_path, 'epoch_1.pth')  # loads under torch >= 2.6 via wingpose
    result = run_tool(osp.join(tools, 'test.py'), config, checkpoint, '--work-dir',
                      str(tmp_path / 'test'), *options)
    assert 'NME_inter_ocular' in result.stdout + result.stderr
