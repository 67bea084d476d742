# CNN6 (64x64) with Wing loss on AFLW (Feng et al., CVPR 2018).
_base_ = [
    '../_base_/data/aflw.py', '../_base_/models/cnn6.py',
    '../_base_/schedules/wing_sgd.py'
]
model = dict(head=dict(num_joints=19))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# the paper's 3e-5 for a loss summed over the 2L = 38 coordinates; ours average them
optim_wrapper = dict(optimizer=dict(lr=0.00114), paramwise_cfg={{_base_.head_paramwise_cfg}})
