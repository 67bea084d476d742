# HRNetV2-W18 on 300W: AWing (x10) + STAR (x1), soft-argmax decoding.
_base_ = [
    '../_base_/data/300w.py', '../_base_/models/hrnetv2_w18_star.py',
    '../_base_/schedules/heatmap_adam.py'
]
model = dict(head=dict(out_channels=68))
# MMPose's recipe: 8 GPUs x 64 at Adam 2e-3; on fewer, train with --auto-scale-lr
train_dataloader = dict(batch_size=64, dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
