# STAR (Zhou et al., CVPR 2023) on COFW-29: the official 4-stack hourglass and recipe
# (docs/recipes.md).
_base_ = [
    '../_base_/data/cofw.py', '../_base_/models/stackedhg_star.py',
    '../_base_/schedules/star_adam.py'
]
model = dict(backbone=dict(num_keypoints=29), head=dict(out_channels=29, num_boundaries=7))
# STAR's annotation files (crop centre and scale per face), converted by
# tools/dataset_converters/star_to_coco.py (docs/datasets.md)
train_dataloader = dict(batch_size={{_base_.train_batch_size}}, dataset=dict(
    ann_file='annotations/star_cofw_train.json', data_prefix=dict(img='star_images/'),
    pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(
    ann_file='annotations/star_cofw_test.json', data_prefix=dict(img='star_images/'),
    pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# the raw and the EMA weights validated every epoch, the better kept (trainer.py)
val_cfg = dict(type='RawAndEMAValLoop')
custom_hooks = [
    dict(type='SyncBuffersHook'), dict(type='CheckFiniteLossHook'),
    dict(type='IterationSeedHook'), {{_base_.ema_hook}}
]
# STAR's evaluation (`lib/metric`, `conf/alignment.py`): inter-pupil (16, 17) by default, the
# paper also reports inter-ocular; FR and AUC at 0.10, AUC by Simpson's rule on a 1e-4 grid
val_evaluator = dict(norms=['inter_pupil', 'inter_ocular'], thr=0.10, auc_method='simpson')
test_evaluator = val_evaluator
