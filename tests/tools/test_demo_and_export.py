"""tools/demo.py on a real photo and the ONNX export round trip, from a briefly trained model."""
import os.path as osp

import cv2
import numpy as np
import pytest

from ..utils import run_tool, tiny_options

CONFIG = 'configs/synthface/cnn6-cnn7_wing_synthface.py'


@pytest.fixture(scope='module')
def checkpoint(synthface, tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('two_stage'))
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, *tiny_options(synthface, CONFIG))
    return osp.join(work_dir, 'epoch_1.pth')


def test_demo_draws_landmarks_on_a_photo(checkpoint, tmp_path):
    from skimage import data
    photo = tmp_path / 'astronaut.png'
    cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    out = tmp_path / 'drawn.png'
    result = run_tool('tools/demo.py', str(photo), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--out', str(out))
    assert 'box from Haar cascade, 68 landmarks' in result.stdout
    drawn, original = cv2.imread(str(out)), cv2.imread(str(photo))
    assert drawn.shape == original.shape
    changed = np.argwhere(np.abs(drawn.astype(int) - original).sum(-1) > 60)
    assert len(changed) > 100  # landmarks and box drawn
    result = run_tool('tools/demo.py', str(photo), '--config', CONFIG, '--checkpoint',
                      checkpoint, '--bbox', '10,20,0,5', check=False)
    assert result.returncode != 0 and 'positive width and height' in result.stderr


@pytest.mark.parametrize('config', [CONFIG, 'configs/synthface/cnn6_wing_synthface.py',
                                    'configs/synthface/cnn7_wing_synthface.py'])
def test_onnx_round_trip(config, checkpoint, tmp_path):
    args = [config] + ([checkpoint] if config == CONFIG else [])
    result = run_tool('tools/deployment/export_onnx.py', *args, '--out', str(tmp_path / 'm.onnx'))
    difference = float(result.stdout.rsplit('= ', 1)[1])
    assert difference < 1e-4
