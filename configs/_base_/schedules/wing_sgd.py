# The Wing paper's optimiser: SGD, momentum 0.9, weight decay 5e-4, batch 8, linear decay of
# the learning rate by 100x. The paper's 3e-5 (3e-6 for L2) trains the official network, whose
# outputs are pixels, under the official Wing layer (`lgLoss.m`: the sum over the 2L
# coordinates; MatConvNet averages over the batch). wingpose's losses average the 2L
# coordinates, so each experiment config sets 3e-5 x 2L for its dataset (1.14e-3 AFLW-19,
# 1.74e-3 COFW, 4.08e-3 300W, 5.88e-3 WFLW; a tenth for L2), and its heads output pixels divided
# by the input size S, so their last layer takes the rate x 1/S^2 and the weight decay x S^2
# (the model bases' head_paramwise_cfg): docs/recipes.md derives both. The paper does not state
# the length; 120 epochs here.
train_cfg = dict(by_epoch=True, max_epochs=120, val_interval=10)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1., end_factor=0.01, begin=0, end=120, by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=8)
