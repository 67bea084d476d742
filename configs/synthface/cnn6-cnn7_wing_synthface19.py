# cnn6-cnn7 with Wing loss on the embedded synthetic benchmark (AFLW-19 layout), CPU budget.
_base_ = [
    '../_base_/data/synthface19.py', '../_base_/models/cnn6-cnn7.py',
    '../_base_/schedules/synthface_cpu.py'
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
# CPU deviation: CNN7 at half width in its first blocks (0.23 s instead of 0.59 s per batch
# of 32 on 2 cores, forward + backward); the paper's widths are in ../_base_/models/cnn7.py.
model = dict(backbone=dict(channels=(32, 32, 64, 128, 256, 512)),
             coarse_head=dict(num_joints=19), head=dict(num_joints=19))
