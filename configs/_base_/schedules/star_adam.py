# STAR's schedule (`conf/alignment.py`, `main.py`, `lib/utility.py`): Adam 1e-3, betas
# (0.9, 0.999), no weight decay (the configured 1e-5 is never passed to Adam), 500 epochs with
# steps at 200, 350 and 450 (x0.1), batch 128 (`main.py`'s default), validation every epoch,
# and an EMA of the weights and buffers updated every iteration with decay
# 0.5 ** (batch / 10000) (`accumulate_net`), i.e. MMEngine momentum 1 - 0.5 ** 0.0128. Every
# validation scores the raw and the EMA weights and keeps the better (`trainer.py`: the
# experiment configs set val_cfg = dict(type='RawAndEMAValLoop') and custom_hooks' ema_hook).
train_cfg = dict(by_epoch=True, max_epochs=500, val_interval=1)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.))
param_scheduler = [
    dict(type='MultiStepLR', begin=0, end=500, milestones=[200, 350, 450], gamma=0.1,
         by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=128)
# used by the experiment configs (a base cannot set keys that the dataset bases also set)
train_batch_size = 128
ema_hook = dict(type='RawOrEMAHook', ema_type='ExponentialMovingAverage',
                momentum=1 - 0.5**(128 / 10000), update_buffers=True)
