"""STAR's model selection: the raw and the EMA weights validated, the better kept."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from wingpose.engine import RawOrEMAHook

from ..utils import ROOT

CONFIG = osp.join(ROOT, 'configs', 'synthface', 'cnn6_wing_synthface.py')


def runner_for(synthface, work_dir, momentum, **changes):
    cfg = Config.fromfile(CONFIG)
    cfg.work_dir = str(work_dir)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].update(num_workers=0, persistent_workers=False)
        cfg[loader].dataset.data_root = synthface + '/'
    cfg.train_dataloader.batch_size = 16
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.val_cfg = dict(type='RawAndEMAValLoop')
    cfg.custom_hooks = [dict(type='RawOrEMAHook', momentum=momentum)]
    cfg.default_hooks.checkpoint.interval = 1
    cfg.merge_from_dict(changes)
    return Runner.from_cfg(cfg)


def test_raw_weights_that_validate_better_are_kept(synthface, tmp_path):
    # an average that barely moves from the initial weights loses to the trained ones
    runner = runner_for(synthface, tmp_path, momentum=1e-6)
    runner.train()
    scalars = runner.message_hub.log_scalars
    raw, ema = (scalars[f'val/{w}/NME_inter_ocular'].current() for w in ('raw', 'ema'))
    assert raw < ema and scalars['val/selected'].current() == 1
    assert scalars['val/NME_inter_ocular'].current() == raw
    best = torch.load(osp.join(tmp_path, 'best_NME_inter_ocular_epoch_1.pth'),
                      map_location='cpu', weights_only=False)
    assert best['meta']['weights'] == 'raw'
    trained = runner.model.state_dict()
    assert all(torch.equal(best['state_dict'][k], v) for k, v in trained.items())
    hook = next(h for h in runner.hooks if isinstance(h, RawOrEMAHook))
    assert all(torch.equal(best['ema_state_dict'][k], v)
               for k, v in hook.ema_model.state_dict().items())
    # testing the best checkpoint tests the raw weights; resuming restores both
    tester = runner_for(synthface, tmp_path / 'test', momentum=1e-6, load_from=osp.join(
        tmp_path, 'best_NME_inter_ocular_epoch_1.pth'))
    assert tester.test()['NME_inter_ocular'] == pytest.approx(raw)
    resumed = runner_for(synthface, tmp_path / 'resume', momentum=1e-6, resume=True,
                         load_from=osp.join(tmp_path, 'best_NME_inter_ocular_epoch_1.pth'))
    resumed.call_hook('before_run')  # as Runner.train: the hooks first, then the resume
    resumed.load_or_resume()
    resumed_hook = next(h for h in resumed.hooks if isinstance(h, RawOrEMAHook))
    assert all(torch.equal(resumed.model.state_dict()[k], v) for k, v in trained.items())
    assert all(torch.equal(resumed_hook.ema_model.state_dict()[k], v)
               for k, v in hook.ema_model.state_dict().items())


def test_the_checkpoint_rule_decides_and_the_loop_needs_its_hooks(synthface, tmp_path):
    # rule 'greater' on NME: the average of barely trained weights now wins and is kept
    runner = runner_for(synthface, tmp_path, momentum=1e-6,
                        **{'default_hooks.checkpoint.rule': 'greater'})
    runner.train()
    assert runner.message_hub.log_scalars['val/selected'].current() == 0
    best = torch.load(osp.join(tmp_path, 'best_NME_inter_ocular_epoch_1.pth'),
                      map_location='cpu', weights_only=False)
    assert best['meta']['weights'] == 'ema'
    hook = next(h for h in runner.hooks if isinstance(h, RawOrEMAHook))
    averaged = hook.ema_model.module.state_dict()
    assert all(torch.equal(best['state_dict'][k], averaged[k]) for k in averaged)
    plain = runner_for(synthface, tmp_path / 'plain', momentum=0.5,
                       custom_hooks=[dict(type='EMAHook')])
    with pytest.raises(ValueError, match='needs a RawOrEMAHook in custom_hooks'):
        plain.train()
