# cnn6 with Wing loss on the embedded synthetic benchmark, AFLW-19 layout (NME by the face box,
# the Wing paper's AFLW protocol), CPU budget.
_base_ = [
    '../_base_/data/synthface19.py', '../_base_/models/cnn6.py',
    '../_base_/schedules/synthface_cpu.py'
]
model = dict(head=dict(num_joints=19))
train_dataloader = dict(batch_size=32, dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
