# Loss ablation on the synthetic benchmark (AFLW-19 layout): CNN6 with l1 instead of Wing.
_base_ = ['./cnn6_wing_synthface19.py']
model = dict(head=dict(loss=dict(_delete_=True, type='CoordinateLoss', kind='l1', input_size=64)))
