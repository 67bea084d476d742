# The heatmap study on STAR's network: as stackedhg-small_awing_synthface.py, AWing without the
# weighted loss map on every output.
_base_ = ['./stackedhg-small_awing_synthface98.py']
model = dict(head=dict(
    loss=dict(use_weight_map=False),
    boundary_loss=dict(use_weight_map=False),
    heatmap_loss=dict(use_weight_map=False)))
