# Adaptive Wing (Wang et al., ICCV 2019) on WFLW: the official 4-stack hourglass with boundary
# prediction and boundary-aware CoordConv, and the paper's recipe (docs/recipes.md).
_base_ = [
    '../_base_/data/wflw.py', '../_base_/models/stackedhg_awing.py',
    '../_base_/schedules/awing_rmsprop.py'
]
model = dict(backbone=dict(num_keypoints=98), head=dict(out_channels=98))
train_dataloader = dict(batch_size={{_base_.train_batch_size}},
                        dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# AWing's evaluation (`utils.fan_NME`): inter-ocular (60, 72); FR and AUC at 0.10
val_evaluator = dict(norms=['inter_ocular'], thr=0.10)
test_evaluator = val_evaluator
