# cnn6 with Wing loss on the embedded synthetic benchmark (68 points), CPU budget.
_base_ = [
    '../_base_/data/synthface68.py', '../_base_/models/cnn6.py',
    '../_base_/schedules/synthface_cpu.py'
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.val_pipeline}}))
test_dataloader = val_dataloader
