# Adaptive Wing (Wang et al., ICCV 2019) on COFW-29: the official 4-stack hourglass with boundary
# prediction and boundary-aware CoordConv, and the paper's recipe (docs/recipes.md).
_base_ = [
    '../_base_/data/cofw.py', '../_base_/models/stackedhg_awing.py',
    '../_base_/schedules/awing_rmsprop.py'
]
model = dict(backbone=dict(num_keypoints=29), head=dict(out_channels=29))
train_dataloader = dict(batch_size={{_base_.train_batch_size}},
                        dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# AWing's evaluation (`utils.fan_NME` for 29 points): inter-pupil (16, 17); FR and AUC at 0.10
val_evaluator = dict(norms=['inter_pupil', 'inter_ocular'], thr=0.10)
test_evaluator = val_evaluator
