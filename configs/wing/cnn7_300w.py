# CNN7 (128x128) with Wing loss on 300W (Feng et al., CVPR 2018).
_base_ = [
    '../_base_/data/300w.py', '../_base_/models/cnn7.py',
    '../_base_/schedules/wing_sgd.py'
]
model = dict(head=dict(num_joints=68))
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# the paper's 3e-5 for a loss summed over the 2L = 136 coordinates; ours average them
optim_wrapper = dict(optimizer=dict(lr=0.00408), paramwise_cfg={{_base_.head_paramwise_cfg}})
# the Wing paper's 300W figures are inter-pupil (eye centres); inter-ocular is reported too
val_evaluator = dict(norms=['inter_pupil', 'inter_ocular'])
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='NME_inter_pupil'))
