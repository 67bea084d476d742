# STAR (Zhou et al., CVPR 2023) on 300W: the official 4-stack hourglass and recipe
# (docs/recipes.md).
_base_ = [
    '../_base_/data/300w.py', '../_base_/models/stackedhg_star.py',
    '../_base_/schedules/star_adam.py'
]
model = dict(backbone=dict(num_keypoints=68), head=dict(out_channels=68, num_boundaries=9))
# STAR's annotation files (crop centre and scale per face), converted by
# tools/dataset_converters/star_to_coco.py (docs/datasets.md)
train_dataloader = dict(batch_size={{_base_.train_batch_size}}, dataset=dict(
    ann_file='annotations/star_300w_train.json', data_prefix=dict(img='star_images/'),
    pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(
    ann_file='annotations/star_300w_test.json', data_prefix=dict(img='star_images/'),
    pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# the raw and the EMA weights validated every epoch, the better kept (trainer.py)
val_cfg = dict(type='RawAndEMAValLoop')
custom_hooks = [
    dict(type='SyncBuffersHook'), dict(type='CheckFiniteLossHook'),
    dict(type='IterationSeedHook'), {{_base_.ema_hook}}
]
# STAR's evaluation (`lib/metric`, `conf/alignment.py`): inter-ocular (36, 45) by default;
# FR and AUC at 0.05 (`FR_AUC` for 300W), AUC by Simpson's rule on a 1e-4 grid
val_evaluator = dict(norms=['inter_ocular', 'inter_pupil'], thr=0.05, auc_method='simpson')
test_evaluator = val_evaluator
