# HRNetV2-W18 with AWing with the weighted loss map on the synthetic benchmark, CPU budget: no
# ImageNet
# initialisation (no download), batch 16.
_base_ = [
    '../_base_/data/synthface68.py', '../_base_/models/hrnetv2_w18_awing.py',
    '../_base_/schedules/synthface_cpu.py'
]
model = dict(backbone=dict(init_cfg=None))
train_dataloader = dict(batch_size=16, dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
