# The two-stage framework as the Wing paper runs it: CNN7's aligned 128x128 crop is resampled
# from the image, not from a 128x128 first crop (where a tighter aligned box would be an
# upsampling, with zeros past the first crop's border). Here the model's input is a 256x256
# crop of the same box (MMPose's 1.25 padding): CNN6 sees it area-averaged to 64x64 as before,
# and the aligned crop is resampled from it at twice CNN7's resolution. The synthetic CPU
# configs keep the 128x128 input of ./cnn6-cnn7.py.
_base_ = ['./cnn6-cnn7.py']

codec = dict(type='RegressionLabel', input_size=(256, 256))
model = dict(head=dict(decoder=codec))

# cnn6.py's pipelines at this input size
train_pipeline, val_pipeline = [[
    dict(step, input_size=codec['input_size']) if step.type == 'TopdownAffine' else
    dict(step, encoder=codec) if step.type == 'GenerateTarget' else step
    for step in pipeline] for pipeline in (_base_.train_pipeline, _base_.val_pipeline)]
