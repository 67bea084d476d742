"""Training stops at the first non-finite loss, naming the iteration and the terms."""
import json
import os.path as osp
import shutil

import pytest
import torch

from wingpose.engine import CheckFiniteLossHook

from ..utils import run_tool, tiny_options

CONFIG = 'configs/synthface/hrnetv2-w18-small_awing_synthface.py'


def test_nan_in_the_data_stops_training_at_its_iteration(synthface, tmp_path):
    """A NaN visibility flag in the 5th annotation: with batches of 2 in file order, the
    heatmap target weight of iteration 3 is NaN, so AWing's loss is."""
    data = tmp_path / 'data'
    shutil.copytree(synthface, data)
    ann_file = data / 'annotations' / 'synthface_68_train.json'
    coco = json.loads(ann_file.read_text())
    coco['annotations'][4]['keypoints'][2] = float('nan')
    ann_file.write_text(json.dumps(coco))
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(tmp_path / 'work'),
                      *tiny_options(str(data), CONFIG), 'train_dataloader.batch_size=2',
                      'train_dataloader.sampler.shuffle=False',
                      'train_dataloader.dataset.indices=8', 'val_dataloader.dataset.indices=2',
                      check=False)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert 'FloatingPointError: non-finite loss at iteration 3 (epoch 1, batch 3): ' \
        'loss=nan, loss_kpt=nan' in log
    image = next(i['file_name'] for i in coco['images']
                 if i['id'] == coco['annotations'][4]['image_id'])
    assert 'The batch: ' in log and image in log.split('The batch: ', 1)[1].split('\n')[0]
    assert 'Epoch(train) [1][2/4]' in log  # iterations 1 and 2 ran
    assert not osp.exists(tmp_path / 'work' / 'epoch_1.pth')


class Runner:
    iter = 6
    epoch = 0
    train_loop = None


def test_finite_losses_pass_and_every_bad_term_is_named():
    hook = CheckFiniteLossHook()
    hook.after_train_iter(Runner(), 6, outputs=dict(loss=torch.tensor(2.), acc=float('nan')))
    with pytest.raises(FloatingPointError, match=r'^non-finite loss at iteration 7: '
                                                 r'loss=inf, loss_fine=inf\.'):
        hook.after_train_iter(Runner(), 6, outputs=dict(
            loss=torch.tensor(float('inf')), loss_coarse=torch.tensor(1.),
            loss_fine=torch.tensor(float('inf'))))
