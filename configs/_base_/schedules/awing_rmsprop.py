# The Adaptive Wing paper's schedule (Sec. 5, implementation details; the official repository
# ships no training code): RMSprop, lr 1e-4, momentum 0, weight decay 1e-5, 240 epochs, the
# rate x0.1 after 80 and 160 epochs. The batch size is not given there; 16 here.
train_cfg = dict(by_epoch=True, max_epochs=240, val_interval=10)
optim_wrapper = dict(
    optimizer=dict(type='RMSprop', lr=1e-4, alpha=0.99, momentum=0., weight_decay=1e-5))
param_scheduler = [
    dict(type='MultiStepLR', begin=0, end=240, milestones=[80, 160], gamma=0.1, by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=16)
train_batch_size = 16  # used by the experiment configs
