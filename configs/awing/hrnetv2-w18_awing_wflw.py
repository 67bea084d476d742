# HRNetV2-W18 on WFLW: Adaptive Wing loss with the weighted loss map.
_base_ = [
    '../_base_/data/wflw.py', '../_base_/models/hrnetv2_w18_awing.py',
    '../_base_/schedules/heatmap_adam.py'
]
model = dict(head=dict(out_channels=98))
# MMPose's recipe: 8 GPUs x 64 at Adam 2e-3; on fewer, train with --auto-scale-lr
train_dataloader = dict(batch_size=64, dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
