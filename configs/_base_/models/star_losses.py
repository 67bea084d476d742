# STAR's losses (Zhou et al., CVPR 2023; `conf/alignment.py`): AWing with the weighted loss map
# (x10) on the sigmoid point maps (and STAR's edge maps), STAR with smooth L1 and eigenvalue
# weight 1 (x1) on the distributions the point maps gate.
star_point_loss = dict(type='AdaptiveWingLoss', use_weight_map=True, loss_weight=10.)
star_loss = dict(type='STARLoss', eigenvalue_weight=1., dist='smooth_l1', loss_weight=1.)
