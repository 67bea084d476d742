# The heatmap study on STAR's network: the same reduced STAR hourglass, targets, budget and
# decoding as stackedhg-small_awing-star_synthface.py, every output trained by AWing with the
# weighted loss map: the STAR term on the gated heatmaps is replaced by AWing + map (x1)
# against the landmark heatmaps.
_base_ = ['./stackedhg-small_awing-star_synthface98.py']
model = dict(head=dict(
    star_loss=None,
    heatmap_loss=dict(type='AdaptiveWingLoss', use_weight_map=True, loss_weight=1.)))
