# Adaptive Wing (Wang et al., ICCV 2019) on 300W: the official 4-stack hourglass with boundary
# prediction and boundary-aware CoordConv, and the paper's recipe (docs/recipes.md).
_base_ = [
    '../_base_/data/300w.py', '../_base_/models/stackedhg_awing.py',
    '../_base_/schedules/awing_rmsprop.py'
]
model = dict(backbone=dict(num_keypoints=68), head=dict(out_channels=68))
train_dataloader = dict(batch_size={{_base_.train_batch_size}},
                        dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# AWing's evaluation code (`utils.fan_NME` for 68 points) divides by the eye-centre distance
# (inter-pupil); the paper's 300W table is inter-ocular, also reported. FR at 0.10, as
# `core/evaler.py` counts failures for every dataset (AUC at the same threshold)
val_evaluator = dict(norms=['inter_pupil', 'inter_ocular'], thr=0.10)
default_hooks = dict(checkpoint=dict(save_best='NME_inter_pupil'))
test_evaluator = val_evaluator
