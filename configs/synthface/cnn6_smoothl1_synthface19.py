# Loss ablation on the synthetic benchmark (AFLW-19): CNN6 with smooth L1 instead of Wing.
_base_ = ['./cnn6_wing_synthface19.py']
model = dict(head=dict(loss=dict(
    _delete_=True, type='CoordinateLoss', kind='smooth_l1', input_size=64)))
