# A CPU budget for the embedded synthetic benchmark (deviation from the papers, for minutes
# instead of days): Adam with linear decay over a few epochs, batch 32.
train_cfg = dict(by_epoch=True, max_epochs=8, val_interval=8)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=1., end_factor=0.05, begin=0, end=8, by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=32)
